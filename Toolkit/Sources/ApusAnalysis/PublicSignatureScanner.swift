// Finds public Framework API whose signature mentions an unsafe or C type.
//
// House rule: "No `Unsafe*` type in a public Framework signature" (shared/docs/design.md). A safe
// module compiled with strict memory safety could not call such an API without `unsafe` anyway, but
// the rule keeps the privileged surface honest: Framework exports safe types, and C types stay
// behind it. A declaration is public API when it is `public`/`open` (or a requirement of a public
// protocol, a case of a public enum, a member of a `public extension`) and every enclosing type is
// public too. What is checked: parameter, return, `throws(...)`, generic-constraint types of funcs,
// inits and subscripts; property type annotations (or, without one, the called type of the
// initializer); typealias targets; enum case payloads.
import SwiftSyntax

public struct UnsafePublicSignature: Sendable, Equatable, Codable {
    public let path: String
    public let line: Int
    public let column: Int
    /// e.g. `func memcpy`, `init`, `var com1`, `case mapped`.
    public let declaration: String
    /// The offending type names as written, in order of appearance, without duplicates.
    public let exposedTypes: [String]
}

/// What counts as an unsafe or C type in a public signature.
public struct ExposedTypePolicy: Sendable {
    public static let unsafeTypeNames: Set<String> = ["OpaquePointer", "CVaListPointer", "Unmanaged"]
    public static let cAliasNames: Set<String> = [
        "CChar", "CSignedChar", "CUnsignedChar", "CShort", "CUnsignedShort", "CInt", "CUnsignedInt",
        "CLong", "CUnsignedLong", "CLongLong", "CUnsignedLongLong", "CWideChar", "CChar8", "CChar16",
        "CChar32", "CBool", "CFloat", "CFloat16", "CDouble", "CLongDouble",
    ]
    public static let cStandardTypedefNames: Set<String> = [
        "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
        "intptr_t", "uintptr_t", "size_t", "ssize_t", "ptrdiff_t", "va_list",
    ]

    /// Type names declared by the C modules' headers, minus names the Swift side declares itself.
    public let cTypeNames: Set<String>
    /// Names of C modules (`FrameworkAsm`): a type qualified with one is a C type.
    public let cModuleNames: Set<String>

    public init(cTypeNames: Set<String>, cModuleNames: Set<String>) {
        self.cTypeNames = cTypeNames
        self.cModuleNames = cModuleNames
    }

    public func isExposed(_ name: String) -> Bool {
        name.hasPrefix("Unsafe") || name.hasPrefix("AutoreleasingUnsafe") || Self.unsafeTypeNames.contains(name)
            || Self.cAliasNames.contains(name) || Self.cStandardTypedefNames.contains(name)
            || cTypeNames.contains(name) || cModuleNames.contains(name)
    }
}

public func findUnsafePublicSignatures(in file: SwiftSourceFile, policy: ExposedTypePolicy) -> [UnsafePublicSignature] {
    let scanner = PublicSignatureScanner(file: file, policy: policy)
    scanner.walk(file.tree)
    return scanner.findings
}

/// Names of the types a Swift file declares (struct, class, enum, actor, protocol, typealias).
public func declaredTypeNames(in file: SwiftSourceFile) -> Set<String> {
    final class TypeNameCollector: SyntaxVisitor {
        var names: Set<String> = []
        override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
        override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
        override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
        override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
        override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
        override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
    }
    let collector = TypeNameCollector(viewMode: .sourceAccurate)
    collector.walk(file.tree)
    return collector.names
}

private final class PublicSignatureScanner: SyntaxVisitor {
    /// Access facts of the innermost enclosing type or extension.
    struct Context {
        /// Whether the enclosing type is itself reachable from outside the module.
        let isPublic: Bool
        /// Whether a member without an access modifier is public (protocol requirements, enum
        /// cases, members of a `public extension`).
        let membersDefaultToPublic: Bool
    }

    let file: SwiftSourceFile
    let policy: ExposedTypePolicy
    var findings: [UnsafePublicSignature] = []
    private var contexts: [Context] = [Context(isPublic: true, membersDefaultToPublic: false)]

    init(file: SwiftSourceFile, policy: ExposedTypePolicy) {
        self.file = file
        self.policy = policy
        super.init(viewMode: .sourceAccurate)
    }

    private static let accessKeywords: Set<String> = ["private", "fileprivate", "internal", "package", "public", "open"]

    /// The declaration's own access keyword, ignoring setter-only forms such as `private(set)`.
    private func accessKeyword(_ modifiers: DeclModifierListSyntax) -> String? {
        modifiers.first { Self.accessKeywords.contains($0.name.text) && $0.detail == nil }?.name.text
    }

    private func isPublic(_ modifiers: DeclModifierListSyntax) -> Bool {
        guard let context = contexts.last, context.isPublic else { return false }
        switch accessKeyword(modifiers) {
        case "public", "open": return true
        case nil: return context.membersDefaultToPublic
        default: return false
        }
    }

    private func enterType(_ modifiers: DeclModifierListSyntax, membersDefaultToPublic: Bool = false) {
        let typeIsPublic = isPublic(modifiers)
        contexts.append(Context(isPublic: typeIsPublic, membersDefaultToPublic: typeIsPublic && membersDefaultToPublic))
    }

    private func check(_ declaration: String, at node: some SyntaxProtocol, typeNodes: [Syntax?]) {
        var exposed: [String] = []
        for case let typeNode? in typeNodes {
            for token in typeNode.tokens(viewMode: .sourceAccurate) {
                guard case .identifier(let name) = token.tokenKind, policy.isExposed(name), !exposed.contains(name) else { continue }
                exposed.append(name)
            }
        }
        guard !exposed.isEmpty else { return }
        let position = node.positionAfterSkippingLeadingTrivia
        findings.append(UnsafePublicSignature(path: file.path, line: file.line(of: position), column: file.column(of: position),
                                              declaration: declaration, exposedTypes: exposed))
    }

    private func signatureTypes(_ parameters: FunctionParameterListSyntax, _ returnType: TypeSyntax?,
                                _ effects: FunctionEffectSpecifiersSyntax?) -> [Syntax?] {
        parameters.map { Syntax($0.type) } + [returnType.map(Syntax.init), effects?.throwsClause?.type.map(Syntax.init)]
    }

    private func genericTypes(_ parameters: GenericParameterClauseSyntax?, _ whereClause: GenericWhereClauseSyntax?) -> [Syntax?] {
        [parameters.map(Syntax.init), whereClause.map(Syntax.init)]
    }

    // MARK: Types and extensions

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind { enterType(node.modifiers); return .visitChildren }
    override func visitPost(_ node: StructDeclSyntax) { contexts.removeLast() }
    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind { enterType(node.modifiers); return .visitChildren }
    override func visitPost(_ node: ClassDeclSyntax) { contexts.removeLast() }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind { enterType(node.modifiers); return .visitChildren }
    override func visitPost(_ node: ActorDeclSyntax) { contexts.removeLast() }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        // Members of a public enum default to internal; only its cases are public (see below).
        enterType(node.modifiers)
        return .visitChildren
    }
    override func visitPost(_ node: EnumDeclSyntax) { contexts.removeLast() }
    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(node.modifiers, membersDefaultToPublic: true)
        return .visitChildren
    }
    override func visitPost(_ node: ProtocolDeclSyntax) { contexts.removeLast() }
    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        // The extended type may live in another file: assume it is public, as the compiler would
        // reject public members otherwise.
        let keyword = accessKeyword(node.modifiers)
        contexts.append(Context(isPublic: keyword != "private" && keyword != "fileprivate",
                                membersDefaultToPublic: keyword == "public" || keyword == "open"))
        return .visitChildren
    }
    override func visitPost(_ node: ExtensionDeclSyntax) { contexts.removeLast() }

    // MARK: Members (bodies are skipped: nothing declared inside a body is API)

    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
        if isPublic(node.modifiers) {
            let signature = node.signature
            check("func \(node.name.text)", at: node,
                  typeNodes: signatureTypes(signature.parameterClause.parameters, signature.returnClause?.type, signature.effectSpecifiers)
                      + genericTypes(node.genericParameterClause, node.genericWhereClause))
        }
        return .skipChildren
    }

    override func visit(_ node: InitializerDeclSyntax) -> SyntaxVisitorContinueKind {
        if isPublic(node.modifiers) {
            let signature = node.signature
            check("init", at: node,
                  typeNodes: signatureTypes(signature.parameterClause.parameters, nil, signature.effectSpecifiers)
                      + genericTypes(node.genericParameterClause, node.genericWhereClause))
        }
        return .skipChildren
    }

    override func visit(_ node: SubscriptDeclSyntax) -> SyntaxVisitorContinueKind {
        if isPublic(node.modifiers) {
            check("subscript", at: node,
                  typeNodes: signatureTypes(node.parameterClause.parameters, node.returnClause.type, nil)
                      + genericTypes(node.genericParameterClause, node.genericWhereClause))
        }
        return .skipChildren
    }

    override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
        guard isPublic(node.modifiers) else { return .skipChildren }
        for binding in node.bindings {
            let name = binding.pattern.trimmedDescription
            if let annotation = binding.typeAnnotation {
                check("\(node.bindingSpecifier.text) \(name)", at: binding, typeNodes: [Syntax(annotation.type)])
            } else if let value = binding.initializer?.value {
                check("\(node.bindingSpecifier.text) \(name)", at: binding, typeNodes: [calledType(of: value)])
            }
        }
        return .skipChildren
    }

    /// For `let x = Type(...)` (possibly with `try`, `!`, `?`), the `Type` part.
    private func calledType(of expression: ExprSyntax) -> Syntax? {
        if let tryExpression = expression.as(TryExprSyntax.self) { return calledType(of: tryExpression.expression) }
        if let unwrap = expression.as(ForceUnwrapExprSyntax.self) { return calledType(of: unwrap.expression) }
        if let chain = expression.as(OptionalChainingExprSyntax.self) { return calledType(of: chain.expression) }
        if let call = expression.as(FunctionCallExprSyntax.self) { return Syntax(call.calledExpression) }
        return nil
    }

    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind {
        if isPublic(node.modifiers) {
            check("typealias \(node.name.text)", at: node,
                  typeNodes: [Syntax(node.initializer.value)] + genericTypes(node.genericParameterClause, node.genericWhereClause))
        }
        return .skipChildren
    }

    override func visit(_ node: EnumCaseDeclSyntax) -> SyntaxVisitorContinueKind {
        // A case has the access of its enum.
        guard contexts.last?.isPublic ?? false else { return .skipChildren }
        for element in node.elements {
            if let payload = element.parameterClause {
                check("case \(element.name.text)", at: element, typeNodes: payload.parameters.map { Syntax($0.type) })
            }
        }
        return .skipChildren
    }
}
