// The Swift constructs that can break memory safety, found by walking the syntax tree.
//
// One finder serves both analyses: the safety lint forbids every construct below outside the
// privileged module, and the TCB report counts them inside it and asks each for a `// SAFETY:`
// justification. Strict memory safety (SE-0458) already diagnoses pointer types, `withUnsafe*`,
// `unsafeBitCast` and friends; it *accepts* code acknowledged with `unsafe`, and it does not see
// the attributes and modifiers listed here (see shared/docs/embedded-swift-x86_64.md), which is why
// a syntactic check exists at all. Inactive `#if` branches are walked too: failing closed is cheaper
// than arguing about build configurations.
import SwiftSyntax

public enum UnsafeConstructKind: String, Codable, Sendable, CaseIterable {
    case unsafeExpression = "unsafe-expression"
    case unsafeAttribute = "unsafe-attribute"
    case safeAttribute = "safe-attribute"
    case silgenName = "silgen-name"
    case externAttribute = "extern-attribute"
    case cdeclAttribute = "cdecl-attribute"
    case cAttribute = "c-attribute"
    case nonisolatedUnsafe = "nonisolated-unsafe"
    case uncheckedSendable = "unchecked-sendable"
    case unsafeAddressAccessor = "unsafe-address-accessor"
    case unownedUnsafe = "unowned-unsafe"
    case exclusivityUnchecked = "exclusivity-unchecked"
    case unsafeNonescapableResult = "unsafe-nonescapable-result"
    case optimizerContractAttribute = "optimizer-contract-attribute"

    /// Whether the construct is an unsafe site that the TCB report counts and that needs a
    /// `// SAFETY:` justification in the privileged module. C exports (`@c`, `@_cdecl`) are entry
    /// points rather than unsafe operations: their callers are the assembly stubs.
    public var isUnsafeSite: Bool {
        switch self {
        case .cdeclAttribute, .cAttribute: return false
        default: return true
        }
    }

    public var explanation: String {
        switch self {
        case .unsafeExpression: return "'unsafe' acknowledges an unsafe operation; only Framework may do that"
        case .unsafeAttribute: return "'@unsafe' declares an unsafe API; only Framework may do that"
        case .safeAttribute: return "'@safe' asserts that code using unsafe types is safe; only Framework may assert that"
        case .silgenName: return "'@_silgen_name' binds a declaration to an arbitrary symbol, bypassing type checking"
        case .externAttribute: return "'@_extern' declares a foreign function the compiler cannot check"
        case .cdeclAttribute: return "'@_cdecl' exports a function to C and assembly callers; entry points belong in Framework"
        case .cAttribute: return "'@c' exports a function to C and assembly callers; entry points belong in Framework"
        case .nonisolatedUnsafe: return "'nonisolated(unsafe)' disables data-race checking of shared mutable state"
        case .uncheckedSendable: return "'@unchecked Sendable' disables data-race checking of a type"
        case .unsafeAddressAccessor: return "'unsafeAddress'/'unsafeMutableAddress' accessors hand out raw pointers to storage"
        case .unownedUnsafe: return "'unowned(unsafe)' is an unchecked reference that can dangle"
        case .exclusivityUnchecked: return "'@exclusivity(unchecked)' disables exclusive-access enforcement"
        case .unsafeNonescapableResult: return "'@_unsafeNonescapableResult' drops a lifetime dependency"
        case .optimizerContractAttribute: return "'@_effects'/'@_semantics' make promises to the optimizer that nothing checks"
        }
    }
}

public struct UnsafeConstruct: Sendable, Equatable {
    public let kind: UnsafeConstructKind
    public let line: Int
    public let column: Int
    /// The construct as written, e.g. `nonisolated(unsafe)` or `@_silgen_name`.
    public let spelling: String
    /// Whether a `// SAFETY:` comment justifies it (see `SourceLineTable.isJustified`).
    public let isJustified: Bool
}

/// Collects the unsafe constructs of one file, in source order.
public func findUnsafeConstructs(in file: SwiftSourceFile) -> [UnsafeConstruct] {
    let finder = UnsafeConstructFinder(file: file)
    finder.walk(file.tree)
    return finder.constructs
}

private final class UnsafeConstructFinder: SyntaxVisitor {
    let file: SwiftSourceFile
    var constructs: [UnsafeConstruct] = []

    init(file: SwiftSourceFile) {
        self.file = file
        super.init(viewMode: .sourceAccurate)
    }

    private func record(_ kind: UnsafeConstructKind, at node: some SyntaxProtocol, spelling: String) {
        let position = node.positionAfterSkippingLeadingTrivia
        let siteLine = file.line(of: position)
        let justified = file.lines.isJustified(siteLine: siteLine, anchorLines: anchorLines(of: Syntax(node)))
        constructs.append(UnsafeConstruct(kind: kind, line: siteLine, column: file.column(of: position),
                                          spelling: spelling, isJustified: justified))
    }

    /// Start lines of the statement or member that contains the site; when that statement sits in
    /// a closure, the statement containing the closure too (a justification above
    /// `let x = withFoo { unsafe ... }` covers the closure body).
    private func anchorLines(of node: Syntax) -> [Int] {
        var lines: [Int] = []
        var lookingForStatement = true
        var current = node.parent
        while let ancestor = current {
            let isStatement = ancestor.is(CodeBlockItemSyntax.self) || ancestor.is(MemberBlockItemSyntax.self)
            if isStatement {
                if !lookingForStatement { break }
                lines.append(file.startLine(of: ancestor))
                lookingForStatement = false
            } else if ancestor.is(ClosureExprSyntax.self), !lookingForStatement {
                lookingForStatement = true
            }
            current = ancestor.parent
        }
        return lines
    }

    override func visit(_ node: UnsafeExprSyntax) -> SyntaxVisitorContinueKind {
        record(.unsafeExpression, at: node.unsafeKeyword, spelling: "unsafe")
        return .visitChildren
    }

    override func visit(_ node: ForStmtSyntax) -> SyntaxVisitorContinueKind {
        if let unsafeKeyword = node.unsafeKeyword {
            record(.unsafeExpression, at: unsafeKeyword, spelling: "for unsafe")
        }
        return .visitChildren
    }

    override func visit(_ node: AttributeSyntax) -> SyntaxVisitorContinueKind {
        let name = node.attributeName.trimmedDescription
        let spelling = "@" + name
        switch name {
        case "unsafe": record(.unsafeAttribute, at: node, spelling: spelling)
        case "safe": record(.safeAttribute, at: node, spelling: spelling)
        case "_silgen_name": record(.silgenName, at: node, spelling: spelling)
        case "_extern": record(.externAttribute, at: node, spelling: spelling)
        case "_cdecl": record(.cdeclAttribute, at: node, spelling: spelling)
        case "c": record(.cAttribute, at: node, spelling: spelling)
        case "unchecked": record(.uncheckedSendable, at: node, spelling: "@unchecked")
        case "_unsafeNonescapableResult": record(.unsafeNonescapableResult, at: node, spelling: spelling)
        case "_effects", "_semantics": record(.optimizerContractAttribute, at: node, spelling: spelling)
        case "exclusivity":
            if node.arguments?.trimmedDescription.contains("unchecked") ?? false {
                record(.exclusivityUnchecked, at: node, spelling: "@exclusivity(unchecked)")
            }
        default: break
        }
        return .visitChildren
    }

    override func visit(_ node: DeclModifierSyntax) -> SyntaxVisitorContinueKind {
        guard node.detail?.detail.text == "unsafe" else { return .visitChildren }
        switch node.name.tokenKind {
        case .keyword(.nonisolated): record(.nonisolatedUnsafe, at: node, spelling: "nonisolated(unsafe)")
        case .keyword(.unowned): record(.unownedUnsafe, at: node, spelling: "unowned(unsafe)")
        default: break
        }
        return .visitChildren
    }

    override func visit(_ node: ClosureCaptureSpecifierSyntax) -> SyntaxVisitorContinueKind {
        if node.specifier.tokenKind == .keyword(.unowned), node.detail?.text == "unsafe" {
            record(.unownedUnsafe, at: node, spelling: "unowned(unsafe)")
        }
        return .visitChildren
    }

    override func visit(_ node: AccessorDeclSyntax) -> SyntaxVisitorContinueKind {
        switch node.accessorSpecifier.tokenKind {
        case .keyword(.unsafeAddress), .keyword(.unsafeMutableAddress):
            record(.unsafeAddressAccessor, at: node.accessorSpecifier, spelling: node.accessorSpecifier.text)
        default: break
        }
        return .visitChildren
    }
}
