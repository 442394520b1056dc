// Seeded: unchecked promises to the optimizer.
@_effects(readnone) func pure(_ x: Int) -> Int { x }
@_semantics("optimize.sil.specialize.generic.never") func plain() {}
