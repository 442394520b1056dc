// Seeded: the `unsafe` keyword in a component.
struct Reader {
    func read(_ values: [Int]) -> Int {
        let first = unsafe values[0]
        for unsafe value in values { _ = value }
        return first
    }
}
