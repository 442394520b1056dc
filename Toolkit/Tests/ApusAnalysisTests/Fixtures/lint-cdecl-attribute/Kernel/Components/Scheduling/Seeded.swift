// Seeded: a C export from a component.
@_cdecl("component_entry")
func componentEntry() {}
