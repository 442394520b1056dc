// The module dependency graph: cycles (reported as a path, `A -> B -> A`), the transitive
// dependencies of a module (which controlled APIs it could reach), and the start order of the
// components: a topological order, dependencies first, ties broken by name so that the order does
// not depend on how Components.toml happens to be sorted.

public enum DependencyGraph {
    /// Each cycle once, as the path that closes it (first node repeated at the end), starting at its
    /// alphabetically first node; cycles are sorted.
    public static func cycles(_ edges: [String: [String]]) -> [[String]] {
        var found: [[String]] = []
        var seenSets: Set<Set<String>> = []
        var finished: Set<String> = []
        var stack: [String] = []
        var onStack: Set<String> = []

        func visit(_ node: String) {
            stack.append(node)
            onStack.insert(node)
            for next in (edges[node] ?? []).sorted() {
                if onStack.contains(next) {
                    let start = stack.lastIndex(of: next)!
                    var cycle = Array(stack[start...])
                    let first = cycle.indices.min { cycle[$0] < cycle[$1] }!
                    cycle = Array(cycle[first...] + cycle[..<first])
                    if seenSets.insert(Set(cycle)).inserted { found.append(cycle + [cycle[0]]) }
                } else if !finished.contains(next) {
                    visit(next)
                }
            }
            stack.removeLast()
            onStack.remove(node)
            finished.insert(node)
        }
        for node in edges.keys.sorted() where !finished.contains(node) { visit(node) }
        return found.sorted { $0.joined(separator: " ") < $1.joined(separator: " ") }
    }

    /// Every module `module` depends on, directly or not (itself excluded unless in a cycle).
    public static func closure(of module: String, _ edges: [String: [String]]) -> Set<String> {
        var reached: Set<String> = []
        var pending = edges[module] ?? []
        while let next = pending.popLast() {
            if reached.insert(next).inserted { pending += edges[next] ?? [] }
        }
        return reached
    }

    /// `nodes` with each after the nodes it depends on (edges to nodes outside `nodes` are ignored);
    /// among nodes that are ready at the same time, the alphabetically first goes first. Nil when
    /// the nodes contain a cycle.
    public static func order(_ nodes: [String], _ edges: [String: [String]]) -> [String]? {
        let members = Set(nodes)
        var remaining = Dictionary(uniqueKeysWithValues: nodes.map { node in
            (node, Set((edges[node] ?? []).filter { members.contains($0) && $0 != node }))
        })
        if nodes.contains(where: { (edges[$0] ?? []).contains($0) }) { return nil }
        var result: [String] = []
        while !remaining.isEmpty {
            guard let next = remaining.filter({ $0.value.isEmpty }).keys.min() else { return nil }
            result.append(next)
            remaining[next] = nil
            for key in remaining.keys { remaining[key]?.remove(next) }
        }
        return result
    }
}
