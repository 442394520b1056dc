// Finds the uses of controlled APIs in one file of one module, from syntax alone (there is no type
// checker on the host), erring on the side of reporting:
//
//   Power.off(exitStatus: 1)              qualified: the base names the declaring type
//   Framework.Power.off(exitStatus: 1)    module-qualified
//   typealias P = Framework.Power; P.off  through a type alias declared in any module
//   extension Power { ... off(...) }      unqualified, inside an extension (or subclass) of the type
//   space.map(frame, at: 0, ...)          through a value: the base's type is unknown, so any member
//                                         with the same name and compatible argument labels matches
//   .off(exitStatus: 1)                   implicit member: same rule as a value
//   let f = Power.off                     unapplied references count as uses
//   off(exitStatus: 1)                    a controlled global function, unless the module declares
//                                         a global function of that name itself
//   Power (the type itself)               when the type, not a member, is marked controlled
//
// Swift has no import renaming: `import enum Framework.Power` and `@_exported import Framework`
// change which names are visible, not what they are called, and the checker does not depend on
// imports at all (a module is checked against every controlled API of every module it depends
// on, directly or not, in Kernel/Package.swift). A base that names a known type is trusted to be
// that type only if no value anywhere in the kernel has the same name. Argument labels follow Swift's
// rules: defaulted parameters may be skipped, a variadic one takes several unlabeled arguments,
// an unlabeled trailing closure fills any parameter.
import SwiftSyntax

struct FoundUse {
    let declaration: ControlledDeclaration
    let line: Int
    let column: Int
    let form: String
}

/// Resolves names to types across the whole kernel, for one using module.
struct TypeResolver {
    let moduleNames: Set<String>
    let typeNames: Set<String>
    let aliases: [String: [[String]]]
    let inheritance: [String: Set<String>]
    /// Names bound to values anywhere in the kernel.
    let valueNames: Set<String>

    /// The types `name` denotes, with the alias it went through; nil if it is (or may be) a value.
    func resolve(_ name: String) -> (types: Set<String>, alias: String?)? {
        guard !valueNames.contains(name), name != "self", name != "Self", name != "super" else { return nil }
        if aliases[name] != nil { return (resolveAlias(name, depth: 0), name) }
        return typeNames.contains(name) ? ([name], nil) : nil
    }

    private func resolveAlias(_ name: String, depth: Int) -> Set<String> {
        guard depth < 16, let targets = aliases[name] else { return [name] }
        var result: Set<String> = []
        for target in targets {
            let withoutModule = target.drop { moduleNames.contains($0) && target.count > 1 }
            guard let last = withoutModule.last ?? target.last else { continue }
            result.formUnion(last == name ? [name] : resolveAlias(last, depth: depth + 1))
        }
        return result
    }

    /// The types plus everything they inherit from, transitively.
    func expand(_ types: Set<String>) -> Set<String> {
        var result = types
        var pending = Array(types)
        while let next = pending.popLast() {
            for inherited in inheritance[next] ?? [] where result.insert(inherited).inserted { pending.append(inherited) }
        }
        return result
    }
}

enum BaseForm {
    case type(Set<String>, form: String)
    case value
}

struct CallArgument {
    let label: String?
    let isTrailingClosure: Bool
}

final class UseFinder: SyntaxVisitor {
    let file: SwiftSourceFile
    let resolver: TypeResolver
    /// Controlled members and functions visible to the module, by base name (`init` for initializers).
    let members: [String: [ControlledDeclaration]]
    /// Controlled types visible to the module, by type name.
    let types: [String: [ControlledDeclaration]]
    let ownGlobalFunctions: Set<String>
    var uses: [FoundUse] = []
    private var callShapes: [SyntaxIdentifier: [CallArgument]] = [:]
    private var contextTypes: [Set<String>] = []

    init(file: SwiftSourceFile, resolver: TypeResolver, visible: [ControlledDeclaration], ownGlobalFunctions: Set<String>) {
        self.file = file
        self.resolver = resolver
        members = Dictionary(grouping: visible.filter { $0.kind != .type }, by: \.baseName)
        types = Dictionary(grouping: visible.filter { $0.kind == .type }, by: \.baseName)
        self.ownGlobalFunctions = ownGlobalFunctions
        super.init(viewMode: .sourceAccurate)
    }

    private func report(_ declarations: [ControlledDeclaration], at node: some SyntaxProtocol, _ form: String) {
        let position = node.positionAfterSkippingLeadingTrivia
        for declaration in declarations {
            uses.append(FoundUse(declaration: declaration, line: file.line(of: position), column: file.column(of: position), form: form))
        }
    }

    // Contexts in which members are reachable unqualified.
    private func enter(_ names: Set<String>) { contextTypes.append(resolver.expand(names)) }
    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        let written = TypeNames.components(of: node.extendedType).last ?? ""
        enter(resolver.resolve(written)?.types ?? [written]); return .visitChildren
    }
    override func visitPost(_ node: ExtensionDeclSyntax) { contextTypes.removeLast() }
    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind { enter([node.name.plainText]); return .visitChildren }
    override func visitPost(_ node: ClassDeclSyntax) { contextTypes.removeLast() }
    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind { enter([node.name.plainText]); return .visitChildren }
    override func visitPost(_ node: StructDeclSyntax) { contextTypes.removeLast() }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind { enter([node.name.plainText]); return .visitChildren }
    override func visitPost(_ node: EnumDeclSyntax) { contextTypes.removeLast() }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind { enter([node.name.plainText]); return .visitChildren }
    override func visitPost(_ node: ActorDeclSyntax) { contextTypes.removeLast() }

    override func visit(_ node: FunctionCallExprSyntax) -> SyntaxVisitorContinueKind {
        var arguments = node.arguments.map { CallArgument(label: $0.label?.plainText, isTrailingClosure: false) }
        if node.trailingClosure != nil { arguments.append(CallArgument(label: nil, isTrailingClosure: true)) }
        arguments += node.additionalTrailingClosures.map { CallArgument(label: $0.label.plainText, isTrailingClosure: true) }
        callShapes[node.calledExpression.id] = arguments
        return .visitChildren
    }

    override func visit(_ node: MemberAccessExprSyntax) -> SyntaxVisitorContinueKind {
        let name = node.declName.baseName.plainText
        let base: BaseForm = node.base.map(baseForm) ?? .value
        // `Framework.Power` naming a controlled type.
        if let moduleBase = node.base?.as(DeclReferenceExprSyntax.self), resolver.moduleNames.contains(moduleBase.baseName.plainText) {
            reportTypeUse(name, at: node.declName, prefix: "module-qualified \(moduleBase.baseName.plainText).")
        }
        var candidates = members[name] ?? []
        if let explicit = node.declName.argumentNames {
            let labels = explicit.arguments.map { $0.name.plainText == "_" ? nil : $0.name.plainText }
            candidates = candidates.filter { $0.kind != .function && $0.kind != .initializer || $0.parameters.map(\.label) == labels }
        } else if let shape = callShapes[node.id] {
            candidates = candidates.filter { Self.accepts(shape, $0) }
        } else if node.base == nil {
            // An implicit member must have the contextual type, which an unapplied function never has.
            candidates = candidates.filter { $0.kind == .property }
        }
        let spelled = "\(node.base?.trimmedDescription ?? "").\(name)"
        switch base {
        case .type(let resolved, let form):
            let reachable = resolver.expand(resolved)
            candidates = candidates.filter { $0.enclosingType.map(reachable.contains) ?? false }
            report(candidates, at: node.declName, "\(form) (\(spelled))")
        case .value:
            let matched = callShapes[node.id] == nil ? "matched by name" : "matched by name and argument labels"
            let form = node.base == nil ? "implicit member (\(spelled))" : "on a value of unstated type (\(spelled)), \(matched)"
            report(candidates, at: node.declName, form)
        }
        return .visitChildren
    }

    override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
        if let member = node.parent?.as(MemberAccessExprSyntax.self), member.declName.id == node.id { return .visitChildren }
        let name = node.baseName.plainText
        reportTypeUse(name, at: node, prefix: "")
        let shape = callShapes[node.id]
        if let shape, let resolved = resolver.resolve(name) {
            // `Power(...)`: an initializer call.
            let reachable = resolver.expand(resolved.types)
            let inits = (members["init"] ?? []).filter { $0.enclosingType.map(reachable.contains) ?? false && Self.accepts(shape, $0) }
            report(inits, at: node, "initializer call (\(name)(...))")
        }
        var candidates = members[name] ?? []
        if let shape { candidates = candidates.filter { Self.accepts(shape, $0) } }
        let context = contextTypes.reduce(into: Set<String>()) { $0.formUnion($1) }
        let inContext = candidates.filter { $0.enclosingType.map(context.contains) ?? false }
        report(inContext, at: node, "unqualified, inside \(inContext.first?.enclosingType ?? "")'s scope")
        if !ownGlobalFunctions.contains(name) {
            report(candidates.filter { $0.enclosingType == nil }, at: node, "unqualified global (\(name))")
        }
        return .visitChildren
    }

    override func visit(_ node: IdentifierTypeSyntax) -> SyntaxVisitorContinueKind {
        reportTypeUse(node.name.plainText, at: node, prefix: ""); return .visitChildren
    }

    override func visit(_ node: MemberTypeSyntax) -> SyntaxVisitorContinueKind {
        reportTypeUse(node.name.plainText, at: node.name, prefix: "\(node.baseType.trimmedDescription)."); return .visitChildren
    }

    override func visit(_ node: KeyPathPropertyComponentSyntax) -> SyntaxVisitorContinueKind {
        let name = node.declName.baseName.plainText
        report((members[name] ?? []).filter { $0.kind == .property }, at: node, "key path (\\.\(name))")
        return .visitChildren
    }

    /// A reference to a controlled type, directly or through an alias.
    private func reportTypeUse(_ name: String, at node: some SyntaxProtocol, prefix: String) {
        if let direct = types[name] {
            report(direct, at: node, "reference to the type \(prefix)\(name)")
        } else if let resolved = resolver.resolve(name), let alias = resolved.alias {
            let declarations = resolved.types.flatMap { types[$0] ?? [] }
            report(declarations, at: node, "reference to the type through typealias \(alias)")
        }
    }

    private func baseForm(_ base: ExprSyntax) -> BaseForm {
        if let reference = base.as(DeclReferenceExprSyntax.self), let resolved = resolver.resolve(reference.baseName.plainText) {
            return .type(resolved.types, form: resolved.alias.map { "through typealias \($0)" } ?? "qualified")
        }
        if let member = base.as(MemberAccessExprSyntax.self), let inner = member.base {
            if member.declName.baseName.plainText == "self" { return baseForm(inner) }
            if let module = inner.as(DeclReferenceExprSyntax.self), resolver.moduleNames.contains(module.baseName.plainText),
               let resolved = resolver.resolve(member.declName.baseName.plainText) {
                return .type(resolved.types, form: resolved.alias.map { "module-qualified, through typealias \($0)" } ?? "module-qualified")
            }
        }
        if let generic = base.as(GenericSpecializationExprSyntax.self) { return baseForm(generic.expression) }
        return .value
    }

    /// Whether a call with these arguments can call `declaration` (properties: always).
    static func accepts(_ arguments: [CallArgument], _ declaration: ControlledDeclaration) -> Bool {
        guard declaration.kind == .function || declaration.kind == .initializer else { return true }
        return matches(arguments[...], declaration.parameters[...])
    }

    private static func matches(_ arguments: ArraySlice<CallArgument>, _ parameters: ArraySlice<ControlledParameter>) -> Bool {
        guard let parameter = parameters.first else { return arguments.isEmpty }
        if let argument = arguments.first {
            let fits = argument.isTrailingClosure && argument.label == nil ? true : argument.label == parameter.label
            if fits {
                if matches(arguments.dropFirst(), parameters.dropFirst()) { return true }
                if parameter.isVariadic {
                    var rest = arguments.dropFirst()
                    while let next = rest.first, next.label == nil, !next.isTrailingClosure {
                        rest = rest.dropFirst()
                        if matches(rest, parameters.dropFirst()) { return true }
                    }
                }
            }
        }
        return (parameter.hasDefault || parameter.isVariadic) && matches(arguments, parameters.dropFirst())
    }
}
