// Seeded: an @safe assertion in a component.
@safe struct Wrapper {
    var value: Int
}
