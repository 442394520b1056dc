// The safety lint: what non-privileged kernel modules may not write.
//
// Libraries, components and the entry module are compiled with strict memory safety as an error
// (SE-0458). The checker accepts acknowledged unsafe code and misses a list of escape hatches; this
// lint rejects both, syntactically, in every module that is not privileged (see
// shared/docs/design.md, "Least privilege", and embedded-swift-x86_64.md, "Confining unsafe code").
//
// Rules (ids appear in each finding as `[rule-id]`):
// - every `UnsafeConstructKind` (the `unsafe` keyword, `@unsafe`, `@safe`, `@_silgen_name`,
//   `@_extern`, `@_cdecl`, `@c`, `nonisolated(unsafe)`, `@unchecked Sendable`, `unsafeAddress`
//   accessors, `unowned(unsafe)`, `@exclusivity(unchecked)`, `@_unsafeNonescapableResult`,
//   `@_effects`/`@_semantics`);
// - `c-import`: importing a C module of the kernel (FrameworkAsm): C functions without pointer
//   parameters look safe to the checker, so `outb` would be reachable;
// - `forbidden-import`: importing any module outside the kernel's Swift modules and
//   `Synchronization` (e.g. `_Volatile`, `Glibc`, `Foundation`, `SwiftShims`, any `_Name`);
// - `access-bypassing-import`: `@testable` or `@_private` imports, which reach non-public code;
// - `foreign-source`: a C, header, assembly or module-map file inside a non-privileged module;
// - `syntax-error`: a file SwiftSyntax cannot parse cleanly, where the rules above cannot vouch
//   for what they did not see.
//
// Findings print as `path:line:column: error: [rule-id] message`, sorted by path, line, column, rule.
import Foundation
import SwiftSyntax

public enum LintRule: Hashable, Sendable, CustomStringConvertible {
    case construct(UnsafeConstructKind)
    case cImport
    case forbiddenImport
    case accessBypassingImport
    case foreignSource
    case syntaxError

    public var id: String {
        switch self {
        case .construct(let kind): return kind.rawValue
        case .cImport: return "c-import"
        case .forbiddenImport: return "forbidden-import"
        case .accessBypassingImport: return "access-bypassing-import"
        case .foreignSource: return "foreign-source"
        case .syntaxError: return "syntax-error"
        }
    }

    public var description: String { id }

    public static var allIds: [String] {
        UnsafeConstructKind.allCases.map(\.rawValue)
            + ["c-import", "forbidden-import", "access-bypassing-import", "foreign-source", "syntax-error"]
    }
}

public struct LintFinding: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int
    public let rule: LintRule
    public let message: String

    public var description: String { "\(path):\(line):\(column): error: [\(rule.id)] \(message)" }
}

public struct LintReport: Sendable {
    public let findings: [LintFinding]
    /// Number of files the lint read: Swift files plus foreign files of non-privileged modules.
    public let filesChecked: Int

    public var violationCount: Int { findings.count }
    public var isClean: Bool { findings.isEmpty }

    public var summaryLine: String { "lint: \(findings.count) violations in \(filesChecked) files checked" }
}

public enum SafetyLint {
    /// Modules that a non-privileged module may import besides the kernel's own Swift modules.
    public static let extraAllowedImports: Set<String> = ["Synchronization", "Swift"]

    public static func run(on layout: KernelLayout) throws -> LintReport {
        let allowedImports = layout.swiftModuleNames.union(extraAllowedImports)
        var findings: [LintFinding] = []
        var filesChecked = 0
        for module in layout.nonPrivilegedModules {
            for path in module.foreignSourceFiles {
                filesChecked += 1
                findings.append(LintFinding(
                    path: path, line: 1, column: 1, rule: .foreignSource,
                    message: "\(module.kind.rawValue) module '\(module.name)' may contain only Swift; C, headers and assembly belong in Framework"))
            }
            for path in module.swiftFiles {
                filesChecked += 1
                let file = SwiftSourceFile(path: path, source: try layout.contents(of: path))
                findings += lint(file, moduleName: module.name, allowedImports: allowedImports,
                                 cModules: layout.cModuleNames)
            }
        }
        findings.sort {
            ($0.path, $0.line, $0.column, $0.rule.id) < ($1.path, $1.line, $1.column, $1.rule.id)
        }
        return LintReport(findings: findings, filesChecked: filesChecked)
    }

    /// Lints one file of a non-privileged module.
    public static func lint(_ file: SwiftSourceFile, moduleName: String, allowedImports: Set<String>,
                            cModules: Set<String>) -> [LintFinding] {
        var findings = findUnsafeConstructs(in: file).map {
            LintFinding(path: file.path, line: $0.line, column: $0.column, rule: .construct($0.kind),
                        message: "\($0.kind.explanation) (found '\($0.spelling)' in module '\(moduleName)')")
        }
        for importDecl in imports(in: file.tree) {
            findings += check(importDecl, in: file, allowedImports: allowedImports, cModules: cModules)
        }
        if file.hasSyntaxErrors {
            let position = file.firstErrorPosition ?? file.tree.positionAfterSkippingLeadingTrivia
            findings.append(LintFinding(
                path: file.path, line: file.line(of: position), column: file.column(of: position),
                rule: .syntaxError,
                message: "SwiftSyntax cannot parse this file cleanly, so the safety rules cannot vouch for it"))
        }
        return findings
    }

    private static func check(_ importDecl: ImportDeclSyntax, in file: SwiftSourceFile,
                              allowedImports: Set<String>, cModules: Set<String>) -> [LintFinding] {
        var findings: [LintFinding] = []
        let position = importDecl.positionAfterSkippingLeadingTrivia
        let line = file.line(of: position), column = file.column(of: position)
        let moduleName = importDecl.path.first?.name.text ?? ""
        if cModules.contains(moduleName) {
            findings.append(LintFinding(
                path: file.path, line: line, column: column, rule: .cImport,
                message: "import of C module '\(moduleName)': its functions look safe to the checker; only Framework may call them"))
        } else if !allowedImports.contains(moduleName) {
            findings.append(LintFinding(
                path: file.path, line: line, column: column, rule: .forbiddenImport,
                message: "import of '\(moduleName)': a safe module may import only kernel Swift modules and Synchronization"))
        }
        for attribute in importDecl.attributes {
            guard case .attribute(let attribute) = attribute else { continue }
            let name = attribute.attributeName.trimmedDescription
            if name == "testable" || name == "_private" {
                findings.append(LintFinding(
                    path: file.path, line: line, column: column, rule: .accessBypassingImport,
                    message: "'@\(name) import \(moduleName)' reaches declarations that are not public API"))
            }
        }
        return findings
    }

    private static func imports(in tree: SourceFileSyntax) -> [ImportDeclSyntax] {
        final class ImportCollector: SyntaxVisitor {
            var imports: [ImportDeclSyntax] = []
            override func visit(_ node: ImportDeclSyntax) -> SyntaxVisitorContinueKind {
                imports.append(node)
                return .skipChildren
            }
        }
        let collector = ImportCollector(viewMode: .sourceAccurate)
        collector.walk(tree)
        return collector.imports
    }
}
