// Seeded: raw-pointer accessors.
struct Storage {
    var cell: Int {
        unsafeAddress { fatalError() }
        unsafeMutableAddress { fatalError() }
    }
}
