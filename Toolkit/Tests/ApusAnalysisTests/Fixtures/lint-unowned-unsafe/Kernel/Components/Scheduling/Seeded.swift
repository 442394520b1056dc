// Seeded: unchecked back-references (plain `unowned` would be allowed by the lint).
final class Node {
    unowned(unsafe) var parent: Node
    unowned var owner: Node
    init(parent: Node) { self.parent = parent; self.owner = parent }
    func schedule() -> () -> Void { { [unowned(unsafe) self] in _ = self } }
}
