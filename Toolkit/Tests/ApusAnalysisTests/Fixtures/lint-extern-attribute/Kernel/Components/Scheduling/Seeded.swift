// Seeded: a foreign declaration.
@_extern(c, "outb")
func outb(_ port: UInt16, _ value: UInt8)
