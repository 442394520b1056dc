// Seeded: a dropped lifetime dependency.
struct View {
    @_unsafeNonescapableResult
    func detach() -> Int { 0 }
}
