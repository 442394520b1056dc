// The result of checking the component policy, and its text form for `apus components`: the
// components in start order with their grants, each controlled API with its declaration, grants and
// uses, every finding as `path:line:column: error: [rule] message`, and the checks passed/failed.
import Foundation

public struct ControlledUse: Sendable, Equatable, Codable {
    public let api: String
    /// The module whose code uses the API.
    public let module: String
    public let path: String
    public let line: Int
    public let column: Int
    /// The declaration used, e.g. `Power.off(exitStatus:)`.
    public let signature: String
    /// How the use was written (qualified, through a typealias, on a value, ...).
    public let form: String
    public let isGranted: Bool
}

public struct ComponentPolicyCheck: Sendable, Equatable, Codable {
    public let name: String
    public let failures: Int
    public var passed: Bool { failures == 0 }
}

public struct GeneratedStartupFile: Sendable, Equatable {
    /// Relative to the repository root.
    public let path: String
    public let text: String
    public let isCurrent: Bool
}

public struct ComponentPolicyReport: Sendable {
    public let policy: ComponentPolicy
    public let declarations: [ControlledDeclaration]
    public let uses: [ControlledUse]
    /// Components (kind `component`) in start order; empty when there is a cycle.
    public let startOrder: [String]
    public let startup: GeneratedStartupFile?
    public let findings: [ComponentPolicyFinding]
    public let checks: [ComponentPolicyCheck]

    public var isClean: Bool { findings.isEmpty }
    public var passedChecks: Int { checks.filter(\.passed).count }
    public var failedChecks: Int { checks.count - passedChecks }

    public func findings(_ rule: ComponentPolicyRule) -> [ComponentPolicyFinding] { findings.filter { $0.rule == rule } }

    /// Uses of `api` by `module`.
    public func uses(of api: String, by module: String) -> [ControlledUse] {
        uses.filter { $0.api == api && $0.module == module }
    }

    public var summaryLine: String {
        "components: \(policy.components.count) modules, \(policy.controlled.count) controlled APIs "
            + "(\(declarations.count) declarations), \(policy.controlled.reduce(0) { $0 + $1.grants.count }) grants, "
            + "\(uses.count) uses; \(findings.count) violations; \(passedChecks) checks passed, \(failedChecks) failed"
    }

    /// One line per use found: `path:line:column: Module uses api (signature, form)`.
    public func usesText() -> String {
        uses.map { "\($0.path):\($0.line):\($0.column): \($0.module) uses \($0.api) (\($0.signature), \($0.form))"
            + ($0.isGranted ? "" : " NOT GRANTED") }.joined(separator: "\n")
    }

    public func text() -> String {
        var out: [String] = []
        out.append("Components (\(ComponentPolicy.fileName)), in start order:")
        let ordered = startOrder.compactMap { policy.component(named: $0) }
            + policy.components.filter { !startOrder.contains($0.name) }
        for component in ordered {
            let kind = component.kind == .component ? "" : " [\(component.kind.rawValue)]"
            out.append("  \(component.name)\(kind): \(component.concern)")
            let start = component.start.isEmpty ? "none" : component.start.joined(separator: ", ")
            if component.kind == .component { out.append("      start: \(start)") }
            let grants = policy.grants(of: component.name)
            out.append("      grants: \(grants.isEmpty ? "none" : grants.joined(separator: ", "))")
        }
        out.append("")
        out.append("Controlled APIs:")
        for api in policy.controlled {
            let grants = api.grants.isEmpty ? "nobody" : api.grants.joined(separator: ", ")
            out.append("  \(api.name): \(api.summary); granted to \(grants)")
            for declaration in declarations where declaration.name == api.name {
                let count = uses.filter { $0.api == api.name && $0.signature == declaration.signature }.count
                out.append("      \(declaration.module).\(declaration.signature) (\(declaration.path):\(declaration.line)), \(count) uses")
            }
        }
        if let startup {
            out.append("")
            out.append("Start-up code: \(startup.path) is \(startup.isCurrent ? "current" : "STALE (run: apus components --write)")")
        }
        out.append("")
        out.append("Checks:")
        for check in checks {
            out.append("  \(check.passed ? "ok  " : "FAIL") \(check.name)\(check.passed ? "" : " (\(check.failures))")")
        }
        if !findings.isEmpty {
            out.append("")
            out.append("Violations:")
            out += findings.map(\.description)
        }
        out.append("")
        out.append(summaryLine)
        return out.joined(separator: "\n")
    }
}
