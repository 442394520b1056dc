// Seeded: binding to an arbitrary symbol.

@_silgen_name("framework_write_cr3")
func writeCR3(_ value: UInt64)
