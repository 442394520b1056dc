// Section (f) of the TCB report: the components and the controlled APIs each may use (level 2 of
// least privilege). The figures come from the component checker (ComponentPolicyChecker): for each
// module in Components.toml, its grants with the number of uses found in its sources; then the
// controlled APIs granted to nobody. The section is informational: `apus components` is the gate.
import Foundation

public struct TcbGrant: Sendable, Equatable, Codable {
    public let api: String
    public let uses: Int
}

public struct TcbComponentGrants: Sendable, Equatable, Codable {
    public let component: String
    public let kind: String
    public let grants: [TcbGrant]
}

public struct TcbComponentSection: Sendable, Equatable, Codable {
    /// Components in start order, then the entry and test modules.
    public let components: [TcbComponentGrants]
    public let controlledAPIs: Int
    public let controlledDeclarations: Int
    public let ungrantedAPIs: [String]
    public let policyViolations: Int

    /// Nil when the repository has no Components.toml (fixture trees).
    static func build(repositoryRoot root: URL) -> TcbComponentSection? {
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(ComponentPolicy.fileName).path),
              let report = try? ComponentPolicyChecker.check(repositoryRoot: root) else { return nil }
        let policy = report.policy
        let ordered = report.startOrder.compactMap { policy.component(named: $0) }
            + policy.components.filter { !report.startOrder.contains($0.name) }
        return TcbComponentSection(
            components: ordered.map { component in
                TcbComponentGrants(component: component.name, kind: component.kind.rawValue,
                                   grants: policy.grants(of: component.name).map {
                                       TcbGrant(api: $0, uses: report.uses(of: $0, by: component.name).count)
                                   })
            },
            controlledAPIs: policy.controlled.count, controlledDeclarations: report.declarations.count,
            ungrantedAPIs: policy.controlled.filter(\.grants.isEmpty).map(\.name),
            policyViolations: report.findings.count)
    }

    func lines() -> [String] {
        var out = ["(f) Components and their controlled-API grants (\(ComponentPolicy.fileName); gate: apus components):",
                   "    \(controlledAPIs) controlled APIs on \(controlledDeclarations) declarations; "
                       + "\(components.reduce(0) { $0 + $1.grants.count }) grants; \(policyViolations) policy violations"]
        for entry in components {
            let name = entry.component.padding(toLength: 16, withPad: " ", startingAt: 0)
            let kind = entry.kind.padding(toLength: 10, withPad: " ", startingAt: 0)
            let grants = entry.grants.isEmpty ? "none"
                : entry.grants.map { "\($0.api) (\($0.uses) use\($0.uses == 1 ? "" : "s"))" }.joined(separator: ", ")
            out.append("  \(name) \(kind) \(grants)")
        }
        out.append("  granted to nobody: \(ungrantedAPIs.isEmpty ? "none" : ungrantedAPIs.joined(separator: ", "))")
        return out
    }
}
