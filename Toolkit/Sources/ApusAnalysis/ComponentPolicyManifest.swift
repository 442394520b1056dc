// Reads the module graph out of `Kernel/Package.swift` without running it: the `targets:` array of
// the `Package(...)` call, whose elements are `.target(...)`/`.executableTarget(...)` calls or calls
// of a helper function declared in the manifest (`component("X", dependencies: [...])`). A helper
// is evaluated by binding its parameters (defaults included) and reading the `.target(...)` call in
// its body, so `path: "Components/\(name)"` becomes `Kernel/Components/X`.
//
// Only literal shapes are understood: strings (with interpolated helper parameters), arrays of
// strings and `.target(name:)`/`.product(name:)`/`.byName(name:)` dependencies. Anything else in
// a place that matters is a `manifest` finding, never a silent guess. `moduleAliases:` (and a
// `-module-alias` flag) is rejected outright: a module alias renames a module, which would let
// code name Framework under another name.
import SwiftSyntax

public struct ManifestTarget: Sendable, Equatable {
    public let name: String
    /// Relative to the repository root, e.g. `Kernel/Components/Memory`.
    public let path: String
    public let dependencies: [String]
    public let line: Int
}

public struct KernelManifest: Sendable {
    public static let relativePath = "Kernel/Package.swift"

    public let targets: [ManifestTarget]
    public let findings: [ComponentPolicyFinding]

    public func target(named name: String) -> ManifestTarget? { targets.first { $0.name == name } }

    public init(source: String, path: String = relativePath) {
        let file = SwiftSourceFile(path: path, source: source)
        var reader = ManifestReader(file: file)
        targets = reader.readTargets()
        findings = reader.findings
    }
}

private enum ManifestValue {
    case string(String)
    case strings([String])
}

private struct Helper {
    let parameters: [(label: String?, name: String, defaultValue: ExprSyntax?)]
    let targetCall: FunctionCallExprSyntax
}

private struct ManifestReader {
    let file: SwiftSourceFile
    var findings: [ComponentPolicyFinding] = []
    var helpers: [String: Helper] = [:]

    init(file: SwiftSourceFile) { self.file = file }

    mutating func problem(_ node: some SyntaxProtocol, _ message: String) {
        findings.append(ComponentPolicyFinding(.manifest, path: file.path, line: file.startLine(of: node),
                                               column: file.column(of: node.positionAfterSkippingLeadingTrivia), message))
    }

    mutating func readTargets() -> [ManifestTarget] {
        for statement in file.tree.statements {
            guard let function = statement.item.as(FunctionDeclSyntax.self), let body = function.body,
                  let call = body.statements.lazy.compactMap({ Self.targetCall(in: $0.item) }).first else { continue }
            let parameters = function.signature.parameterClause.parameters.map { parameter in
                let label = parameter.firstName.text == "_" ? nil : parameter.firstName.text
                return (label: label, name: (parameter.secondName ?? parameter.firstName).text, defaultValue: parameter.defaultValue?.value)
            }
            helpers[function.name.text] = Helper(parameters: parameters, targetCall: call)
        }
        for node in file.tree.tokens(viewMode: .sourceAccurate) where node.text == "moduleAliases" || node.text.contains("-module-alias") {
            problem(node, "module aliases rename modules, which would let code reach a controlled API under another module name")
        }
        guard let package = Self.packageCall(in: file.tree) else {
            problem(file.tree, "no Package(...) call found")
            return []
        }
        guard let targetsArgument = package.arguments.first(where: { $0.label?.text == "targets" }),
              let array = targetsArgument.expression.as(ArrayExprSyntax.self) else {
            problem(package, "the targets: argument of Package(...) must be an array literal")
            return []
        }
        var targets: [ManifestTarget] = []
        for element in array.elements {
            if let target = readTarget(element.expression) { targets.append(target) }
        }
        return targets
    }

    static func packageCall(in tree: SourceFileSyntax) -> FunctionCallExprSyntax? {
        for statement in tree.statements {
            guard let variable = statement.item.as(VariableDeclSyntax.self) else { continue }
            for binding in variable.bindings {
                if let call = binding.initializer?.value.as(FunctionCallExprSyntax.self),
                   call.calledExpression.as(DeclReferenceExprSyntax.self)?.baseName.text == "Package" {
                    return call
                }
            }
        }
        return nil
    }

    /// The `.target(...)` call a helper's body returns (as a bare expression or `return`).
    static func targetCall(in item: CodeBlockItemSyntax.Item) -> FunctionCallExprSyntax? {
        let expression = item.as(ReturnStmtSyntax.self)?.expression ?? item.as(ExpressionStmtSyntax.self)?.expression
            ?? item.as(ExprSyntax.self)
        guard let call = expression?.as(FunctionCallExprSyntax.self),
              let member = call.calledExpression.as(MemberAccessExprSyntax.self),
              ["target", "executableTarget"].contains(member.declName.baseName.text) else { return nil }
        return call
    }

    mutating func readTarget(_ expression: ExprSyntax) -> ManifestTarget? {
        guard let call = expression.as(FunctionCallExprSyntax.self) else {
            problem(expression, "a target must be a .target(...) call or a call of a helper declared in the manifest")
            return nil
        }
        var bindings: [String: ManifestValue] = [:]
        var targetCall = call
        if let helperName = call.calledExpression.as(DeclReferenceExprSyntax.self)?.baseName.text {
            guard let helper = helpers[helperName] else {
                problem(call, "'\(helperName)' is not a helper function declared in the manifest")
                return nil
            }
            var arguments = Array(call.arguments)
            for parameter in helper.parameters {
                if let first = arguments.first, first.label?.text == parameter.label {
                    arguments.removeFirst()
                    guard let value = evaluate(first.expression, bindings: [:]) else { return nil }
                    bindings[parameter.name] = value
                } else if let defaultValue = parameter.defaultValue {
                    guard let value = evaluate(defaultValue, bindings: [:]) else { return nil }
                    bindings[parameter.name] = value
                } else {
                    problem(call, "call of '\(helperName)' lacks its '\(parameter.label ?? parameter.name)' argument")
                    return nil
                }
            }
            targetCall = helper.targetCall
        } else if let member = call.calledExpression.as(MemberAccessExprSyntax.self),
                  !["target", "executableTarget", "testTarget"].contains(member.declName.baseName.text) {
            problem(call, "unsupported target kind .\(member.declName.baseName.text)")
            return nil
        }
        func argument(_ label: String) -> ExprSyntax? { targetCall.arguments.first { $0.label?.text == label }?.expression }
        guard let nameExpression = argument("name"), case .string(let name)? = evaluate(nameExpression, bindings: bindings) else {
            problem(call, "a target needs a literal name")
            return nil
        }
        var path = "Sources/\(name)"
        if let pathExpression = argument("path") {
            guard case .string(let literal)? = evaluate(pathExpression, bindings: bindings) else { return nil }
            path = literal
        }
        var dependencies: [String] = []
        if let dependencyExpression = argument("dependencies") {
            guard case .strings(let list)? = evaluate(dependencyExpression, bindings: bindings) else {
                problem(dependencyExpression, "dependencies must be an array literal")
                return nil
            }
            dependencies = list
        }
        return ManifestTarget(name: name, path: "Kernel/\(path)", dependencies: dependencies, line: file.startLine(of: call))
    }

    mutating func evaluate(_ expression: ExprSyntax, bindings: [String: ManifestValue]) -> ManifestValue? {
        if let reference = expression.as(DeclReferenceExprSyntax.self), let bound = bindings[reference.baseName.text] {
            return bound
        }
        if let literal = expression.as(StringLiteralExprSyntax.self) {
            var text = ""
            for segment in literal.segments {
                if let plain = segment.as(StringSegmentSyntax.self) {
                    text += plain.content.text
                } else if let interpolation = segment.as(ExpressionSegmentSyntax.self), interpolation.expressions.count == 1,
                          case .string(let inner)? = evaluate(interpolation.expressions.first!.expression, bindings: bindings) {
                    text += inner
                } else {
                    problem(segment, "only helper parameters may be interpolated into a manifest string")
                    return nil
                }
            }
            return .string(text)
        }
        if let array = expression.as(ArrayExprSyntax.self) {
            var names: [String] = []
            for element in array.elements {
                if element.expression.is(StringLiteralExprSyntax.self) {
                    guard case .string(let name)? = evaluate(element.expression, bindings: bindings) else { return nil }
                    names.append(name)
                } else if let call = element.expression.as(FunctionCallExprSyntax.self),
                          call.calledExpression.is(MemberAccessExprSyntax.self),
                          let nameArgument = call.arguments.first(where: { $0.label?.text == "name" }),
                          case .string(let name)? = evaluate(nameArgument.expression, bindings: bindings) {
                    names.append(name)
                } else {
                    problem(element, "unsupported dependency; use a string or .target(name:)/.product(name:)")
                    return nil
                }
            }
            return .strings(names)
        }
        if let sequence = expression.as(SequenceExprSyntax.self) {
            problem(sequence, "computed manifest values are not supported here; use a literal")
            return nil
        }
        problem(expression, "unsupported manifest expression '\(expression.trimmedDescription)'")
        return nil
    }
}
