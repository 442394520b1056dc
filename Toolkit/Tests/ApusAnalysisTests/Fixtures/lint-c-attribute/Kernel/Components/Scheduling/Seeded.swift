// Seeded: a C export with the new spelling, in both forms.
@c func exported() {}
@c(named_export) func exportedWithName() {}
