// Seeded: an @unsafe declaration in a component.
@unsafe
func poke(_ address: UInt64) {}
