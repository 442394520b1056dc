// The component access policy (`Components.toml` at the repository root), level 2 of least
// privilege in shared/docs/design.md: which kernel modules exist, what each one is for, what it
// depends on, how it is started, and which of them may use each controlled API.
//
//   [components.<Module>]          one per kernel module that is not Framework or a pure library
//   kind = "component"             "component" (Kernel/Components/*, the default), "entry" (the
//                                  kernel executable) or "tests" (the in-kernel test registry)
//   path = "Kernel/Components/X"   the module's directory, as in Kernel/Package.swift
//   concern = "..."                the one thing it owns
//   dependencies = ["Framework"]   exactly the dependencies Kernel/Package.swift gives it
//   start = ["Type.function"]      optional: start entry points, called in dependency order
//
//   [controlled.<name>]            one per `/// - Controlled: <name>` marker in the sources
//   summary = "..."                why it is sensitive
//   grants = ["SystemCalls"]       the modules that may use it besides the one declaring it
//
// Loading checks only the shape of the file; what it says is checked against the sources by
// `ComponentPolicyChecker`.

public enum ComponentPolicyRule: String, Sendable, CaseIterable, Codable {
    case policySyntax = "policy-syntax"
    case manifest = "manifest"
    case ungrantedUse = "ungranted-use"
    case unknownControlledName = "unknown-controlled-name"
    case unmarkedControlledName = "unmarked-controlled-name"
    case unknownGrantee = "unknown-grantee"
    case unlistedComponent = "unlisted-component"
    case unknownComponent = "unknown-component"
    case undeclaredDependency = "undeclared-dependency"
    case dependencyCycle = "dependency-cycle"
    case startEntry = "start-entry"
    case staleStartup = "stale-startup"
}

public struct ComponentPolicyFinding: Sendable, Equatable, Codable, CustomStringConvertible {
    public let rule: ComponentPolicyRule
    public let path: String
    public let line: Int
    public let column: Int
    public let message: String
    /// The module at fault, when there is one (the caller, for an ungranted use).
    public let module: String?
    /// The controlled API name, for use findings.
    public let api: String?

    public init(_ rule: ComponentPolicyRule, path: String, line: Int, column: Int = 1, module: String? = nil,
                api: String? = nil, _ message: String) {
        self.rule = rule
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.module = module
        self.api = api
    }

    public var description: String { "\(path):\(line):\(column): error: [\(rule.rawValue)] \(message)" }
}

public enum PolicyModuleKind: String, Sendable, Codable {
    case component
    case entry
    case tests
}

public struct PolicyComponent: Sendable, Equatable, Codable {
    public let name: String
    public let kind: PolicyModuleKind
    public let path: String
    public let concern: String
    public let dependencies: [String]
    /// `Type.function` entry points, in the order they are to be called within the component.
    public let start: [String]
    public let line: Int
}

public struct ControlledAPIPolicy: Sendable, Equatable, Codable {
    public let name: String
    public let summary: String
    public let grants: [String]
    public let line: Int
}

public struct ComponentPolicy: Sendable, Equatable {
    public static let fileName = "Components.toml"

    public let components: [PolicyComponent]
    public let controlled: [ControlledAPIPolicy]

    public func component(named name: String) -> PolicyComponent? { components.first { $0.name == name } }
    public func controlledAPI(named name: String) -> ControlledAPIPolicy? { controlled.first { $0.name == name } }

    /// Controlled API names granted to `module`, sorted.
    public func grants(of module: String) -> [String] {
        controlled.filter { $0.grants.contains(module) }.map(\.name).sorted()
    }

    /// Parses the policy; shape errors (unknown keys, wrong types, missing fields) are findings,
    /// and the entries that are well-formed are still returned so later checks can run.
    public static func load(text: String, path: String = fileName) -> (policy: ComponentPolicy, findings: [ComponentPolicyFinding]) {
        var findings: [ComponentPolicyFinding] = []
        func problem(_ line: Int, _ message: String) {
            findings.append(ComponentPolicyFinding(.policySyntax, path: path, line: line, message))
        }
        let document: TOMLDocument
        do throws(TOMLError) {
            document = try TOMLDocument(parsing: text)
        } catch {
            problem(error.line, error.message)
            return (ComponentPolicy(components: [], controlled: []), findings)
        }
        var components: [PolicyComponent] = []
        var controlled: [ControlledAPIPolicy] = []
        for table in document.tables {
            switch (table.path.first, table.path.count) {
            case (nil, _):
                for entry in table.entries { problem(entry.line, "key '\(entry.key)' belongs in a [components.X] or [controlled.x] table") }
            case ("components", 2):
                let known: Set = ["kind", "path", "concern", "dependencies", "start"]
                for entry in table.entries where !known.contains(entry.key) { problem(entry.line, "unknown key '\(entry.key)' in [\(table.path.joined(separator: "."))]") }
                let kindText = string(table, "kind", required: false, problem) ?? PolicyModuleKind.component.rawValue
                guard let kind = PolicyModuleKind(rawValue: kindText) else {
                    problem(table["kind"]?.line ?? table.line, "kind must be \"component\", \"entry\" or \"tests\", not \"\(kindText)\"")
                    continue
                }
                components.append(PolicyComponent(
                    name: table.path[1], kind: kind, path: string(table, "path", required: true, problem) ?? "",
                    concern: string(table, "concern", required: true, problem) ?? "",
                    dependencies: strings(table, "dependencies", required: true, problem),
                    start: strings(table, "start", required: false, problem), line: table.line))
            case ("controlled", 2):
                let known: Set = ["summary", "grants"]
                for entry in table.entries where !known.contains(entry.key) { problem(entry.line, "unknown key '\(entry.key)' in [\(table.path.joined(separator: "."))]") }
                controlled.append(ControlledAPIPolicy(
                    name: table.path[1], summary: string(table, "summary", required: true, problem) ?? "",
                    grants: strings(table, "grants", required: true, problem), line: table.line))
            default:
                problem(table.line, "unknown table [\(table.path.joined(separator: "."))]: expected [components.<Module>] or [controlled.<name>]")
            }
        }
        return (ComponentPolicy(components: components, controlled: controlled), findings)
    }

    private static func string(_ table: TOMLTable, _ key: String, required: Bool, _ problem: (Int, String) -> Void) -> String? {
        guard let entry = table[key] else {
            if required { problem(table.line, "[\(table.path.joined(separator: "."))] needs '\(key) = \"...\"'") }
            return nil
        }
        guard let text = entry.value.stringValue else {
            problem(entry.line, "'\(key)' must be a string")
            return nil
        }
        return text
    }

    private static func strings(_ table: TOMLTable, _ key: String, required: Bool, _ problem: (Int, String) -> Void) -> [String] {
        guard let entry = table[key] else {
            if required { problem(table.line, "[\(table.path.joined(separator: "."))] needs '\(key) = [...]'") }
            return []
        }
        guard let list = entry.value.stringArray else {
            problem(entry.line, "'\(key)' must be an array of strings")
            return []
        }
        return list
    }
}
