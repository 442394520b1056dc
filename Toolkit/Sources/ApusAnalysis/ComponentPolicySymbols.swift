// What the component checker needs to know about the declarations of one kernel module, read from
// the syntax tree of each of its files:
//   - controlled declarations: a doc comment line `- Controlled: <name>` on a function, initializer,
//     property or type (`/// - Controlled: power`), with the enclosing type and the parameter labels
//     that make up the function's full Swift name (`off(exitStatus:)`);
//   - type names, type aliases and inheritance clauses, so `Framework.Power`, `typealias P = Power`
//     and `class Mine: Controlled` all resolve to the controlled type;
//   - every name bound to a value (let/var, parameters, closure parameters), because a value that
//     shares a type's name must not be mistaken for the type (that would hide a call through it);
//   - global function names (an unqualified call of one of those is the module's own function);
//   - parameterless static functions (`Type.function`), the candidates for start entry points.
import Foundation
import SwiftSyntax

public enum ControlledDeclarationKind: String, Sendable, Codable {
    case function
    case initializer
    case property
    case type
}

public struct ControlledParameter: Sendable, Equatable, Codable {
    /// Argument label; nil when the call passes the argument without one (`_`).
    public let label: String?
    public let hasDefault: Bool
    public let isVariadic: Bool
}

public struct ControlledDeclaration: Sendable, Equatable, Codable {
    /// The policy name from the marker.
    public let name: String
    public let module: String
    public let path: String
    public let line: Int
    public let kind: ControlledDeclarationKind
    /// Innermost enclosing type or extended type (last name component); nil at file scope.
    public let enclosingType: String?
    /// The member's name, `init`, or the type's own name for a controlled type.
    public let baseName: String
    /// Parameters of a function or initializer; empty otherwise.
    public let parameters: [ControlledParameter]

    /// `Power.off(exitStatus:)`, as a person would search for it.
    public var signature: String {
        let prefix = enclosingType.map { "\($0)." } ?? ""
        switch kind {
        case .function, .initializer:
            return prefix + baseName + "(" + parameters.map { "\($0.label ?? "_"):" }.joined() + ")"
        case .property, .type:
            return prefix + baseName
        }
    }
}

/// Declarations of one module (aggregated over its files).
struct ModuleSymbols {
    var controlled: [ControlledDeclaration] = []
    var typeNames: Set<String> = []
    /// Alias name -> the type it names, as written (`Framework.Power` is ["Framework", "Power"]).
    var aliases: [String: [[String]]] = [:]
    /// Type name -> names in its inheritance clauses (from its declaration and its extensions).
    var inheritance: [String: Set<String>] = [:]
    var valueNames: Set<String> = []
    var globalFunctionNames: Set<String> = []
    /// `Type.function` for each `static func function()` without parameters that is not private.
    var staticEntryPoints: Set<String> = []
    /// Markers on declarations the checker cannot govern: (path, line, text).
    var unsupportedMarkers: [(path: String, line: Int, name: String)] = []
}

enum ControlledMarker {
    static let prefix = "- Controlled:"

    /// Policy names from the doc comments in `trivia`.
    static func names(in trivia: Trivia) -> [String] {
        var names: [String] = []
        for piece in trivia {
            let text: String
            switch piece {
            case .docLineComment(let comment): text = String(comment.dropFirst(3))
            case .docBlockComment(let comment): text = comment
            default: continue
            }
            for line in text.split(separator: "\n") {
                var trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "*" || $0 == "/" }
                guard trimmed.hasPrefix(prefix) else { continue }
                trimmed = trimmed.dropFirst(prefix.count)
                let name = trimmed.trimmingCharacters(in: [" ", "\t", "*", "/"])
                if !name.isEmpty { names.append(name) }
            }
        }
        return names
    }
}

final class SymbolCollector: SyntaxVisitor {
    let file: SwiftSourceFile
    let module: String
    var symbols = ModuleSymbols()
    private var typeStack: [String] = []

    init(file: SwiftSourceFile, module: String) {
        self.file = file
        self.module = module
        super.init(viewMode: .sourceAccurate)
    }

    private func record(_ node: some SyntaxProtocol, kind: ControlledDeclarationKind, baseName: String,
                        parameters: [ControlledParameter] = [], enclosingType: String?) {
        for name in ControlledMarker.names(in: node.leadingTrivia) {
            symbols.controlled.append(ControlledDeclaration(
                name: name, module: module, path: file.path, line: file.startLine(of: node), kind: kind,
                enclosingType: enclosingType, baseName: baseName, parameters: parameters))
        }
    }

    private func enterType(_ name: String, _ node: some SyntaxProtocol, inheritance: InheritanceClauseSyntax?) {
        symbols.typeNames.insert(name)
        record(node, kind: .type, baseName: name, enclosingType: typeStack.last)
        noteInheritance(of: name, inheritance)
        typeStack.append(name)
    }

    private func noteInheritance(of name: String, _ clause: InheritanceClauseSyntax?) {
        for inherited in clause?.inheritedTypes ?? [] {
            if let last = TypeNames.components(of: inherited.type).last {
                symbols.inheritance[name, default: []].insert(last)
            }
        }
    }

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(node.name.plainText, node, inheritance: node.inheritanceClause); return .visitChildren
    }
    override func visitPost(_ node: StructDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(node.name.plainText, node, inheritance: node.inheritanceClause); return .visitChildren
    }
    override func visitPost(_ node: ClassDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(node.name.plainText, node, inheritance: node.inheritanceClause); return .visitChildren
    }
    override func visitPost(_ node: EnumDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(node.name.plainText, node, inheritance: node.inheritanceClause); return .visitChildren
    }
    override func visitPost(_ node: ActorDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind {
        enterType(node.name.plainText, node, inheritance: node.inheritanceClause); return .visitChildren
    }
    override func visitPost(_ node: ProtocolDeclSyntax) { typeStack.removeLast() }

    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        let name = TypeNames.components(of: node.extendedType).last ?? ""
        noteInheritance(of: name, node.inheritanceClause)
        for marker in ControlledMarker.names(in: node.leadingTrivia) {
            symbols.unsupportedMarkers.append((file.path, file.startLine(of: node), marker))
        }
        typeStack.append(name)
        return .visitChildren
    }
    override func visitPost(_ node: ExtensionDeclSyntax) { typeStack.removeLast() }

    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind {
        symbols.typeNames.insert(node.name.plainText)
        symbols.aliases[node.name.plainText, default: []].append(TypeNames.components(of: node.initializer.value))
        record(node, kind: .type, baseName: node.name.plainText, enclosingType: typeStack.last)
        return .visitChildren
    }

    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
        let parameters = Self.parameters(node.signature.parameterClause)
        record(node, kind: .function, baseName: node.name.plainText, parameters: parameters, enclosingType: typeStack.last)
        if typeStack.isEmpty { symbols.globalFunctionNames.insert(node.name.plainText) }
        let modifiers = node.modifiers.map(\.name.text)
        if let type = typeStack.last, modifiers.contains("static"), parameters.isEmpty,
           !modifiers.contains("private"), !modifiers.contains("fileprivate") {
            symbols.staticEntryPoints.insert("\(type).\(node.name.plainText)")
        }
        return .visitChildren
    }

    override func visit(_ node: InitializerDeclSyntax) -> SyntaxVisitorContinueKind {
        record(node, kind: .initializer, baseName: "init", parameters: Self.parameters(node.signature.parameterClause),
               enclosingType: typeStack.last)
        return .visitChildren
    }

    override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
        for binding in node.bindings {
            guard let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.plainText else { continue }
            record(node, kind: .property, baseName: name, enclosingType: typeStack.last)
        }
        return .visitChildren
    }

    override func visit(_ node: SubscriptDeclSyntax) -> SyntaxVisitorContinueKind {
        unsupported(node); return .visitChildren
    }
    override func visit(_ node: EnumCaseDeclSyntax) -> SyntaxVisitorContinueKind {
        unsupported(node); return .visitChildren
    }

    private func unsupported(_ node: some SyntaxProtocol) {
        for marker in ControlledMarker.names(in: node.leadingTrivia) {
            symbols.unsupportedMarkers.append((file.path, file.startLine(of: node), marker))
        }
    }

    // Value names.
    override func visit(_ node: IdentifierPatternSyntax) -> SyntaxVisitorContinueKind {
        symbols.valueNames.insert(node.identifier.plainText); return .visitChildren
    }
    override func visit(_ node: FunctionParameterSyntax) -> SyntaxVisitorContinueKind {
        symbols.valueNames.insert((node.secondName ?? node.firstName).plainText); return .visitChildren
    }
    override func visit(_ node: ClosureShorthandParameterSyntax) -> SyntaxVisitorContinueKind {
        symbols.valueNames.insert(node.name.plainText); return .visitChildren
    }
    override func visit(_ node: ClosureParameterSyntax) -> SyntaxVisitorContinueKind {
        symbols.valueNames.insert((node.secondName ?? node.firstName).plainText); return .visitChildren
    }

    static func parameters(_ clause: FunctionParameterClauseSyntax) -> [ControlledParameter] {
        clause.parameters.map { parameter in
            ControlledParameter(label: parameter.firstName.plainText == "_" ? nil : parameter.firstName.plainText,
                                hasDefault: parameter.defaultValue != nil, isVariadic: parameter.ellipsis != nil)
        }
    }
}

enum TypeNames {
    /// `Framework.Power` -> ["Framework", "Power"]; generic arguments, optionals and `.Type` are
    /// looked through, so each names the type it wraps.
    static func components(of type: TypeSyntax) -> [String] {
        if let identifier = type.as(IdentifierTypeSyntax.self) { return [identifier.name.plainText] }
        if let member = type.as(MemberTypeSyntax.self) { return components(of: member.baseType) + [member.name.plainText] }
        if let metatype = type.as(MetatypeTypeSyntax.self) { return components(of: metatype.baseType) }
        if let optional = type.as(OptionalTypeSyntax.self) { return components(of: optional.wrappedType) }
        if let unwrapped = type.as(ImplicitlyUnwrappedOptionalTypeSyntax.self) { return components(of: unwrapped.wrappedType) }
        if let attributed = type.as(AttributedTypeSyntax.self) { return components(of: attributed.baseType) }
        if let some = type.as(SomeOrAnyTypeSyntax.self) { return components(of: some.constraint) }
        return []
    }
}

extension TokenSyntax {
    /// The identifier without backticks: `` `off` `` and `off` name the same declaration.
    var plainText: String { text.count > 1 && text.hasPrefix("`") && text.hasSuffix("`") ? String(text.dropFirst().dropLast()) : text }
}
