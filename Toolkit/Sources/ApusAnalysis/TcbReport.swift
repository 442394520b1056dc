// The trusted computing base report: how big the privileged module is, where its unsafe code is,
// which of it lacks a written justification, and which of its public API leaks unsafe types.
//
// The framekernel bet (shared/docs/design.md) is that memory safety rests on one small module a
// person can audit. This report is the measure of that: (a) lines of code of the privileged
// modules against the whole kernel; (b) each unsafe site of the privileged modules, per file;
// (c) the sites without a `// SAFETY:` comment (rule in `SourceLineTable.isJustified`); (d) public
// API whose signature mentions `Unsafe*`, `OpaquePointer`, `CVaListPointer`, `Unmanaged` or a C type;
// (e) the assembly files with their sizes; (f) the components and their controlled-API grants
// (TcbReportComponents). The gate fails when (c) or (d) is non-empty.
//
// Limitation worth knowing: Framework is not compiled with strict memory safety, so an unsafe
// operation written without the `unsafe` keyword (e.g. `pointer.pointee = 1`) is not a site here.
import Foundation

public struct LanguageLineCounts: Sendable, Equatable, Codable {
    public var swift = 0
    public var cHeaders = 0
    public var cSources = 0
    public var assembly = 0

    public init(swift: Int = 0, cHeaders: Int = 0, cSources: Int = 0, assembly: Int = 0) {
        self.swift = swift
        self.cHeaders = cHeaders
        self.cSources = cSources
        self.assembly = assembly
    }

    public var total: Int { swift + cHeaders + cSources + assembly }

    private enum CodingKeys: String, CodingKey { case swift, cHeaders, cSources, assembly }
    private enum TotalCodingKeys: String, CodingKey { case total }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(swift, forKey: .swift)
        try container.encode(cHeaders, forKey: .cHeaders)
        try container.encode(cSources, forKey: .cSources)
        try container.encode(assembly, forKey: .assembly)
        var totalContainer = encoder.container(keyedBy: TotalCodingKeys.self)
        try totalContainer.encode(total, forKey: .total)
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(swift: lhs.swift + rhs.swift, cHeaders: lhs.cHeaders + rhs.cHeaders,
             cSources: lhs.cSources + rhs.cSources, assembly: lhs.assembly + rhs.assembly)
    }
}

public struct ModuleLineCounts: Sendable, Equatable, Codable {
    public let module: String
    public let kind: KernelModuleKind
    public let lines: LanguageLineCounts
}

public struct TcbUnsafeSite: Sendable, Equatable, Codable {
    public let path: String
    public let line: Int
    public let column: Int
    /// An `UnsafeConstructKind` raw value, or `inline-asm`.
    public let kind: String
    public let spelling: String
    public let isJustified: Bool

    public static let inlineAssemblyKind = "inline-asm"
}

public struct TcbFileSites: Sendable, Equatable, Codable {
    public let path: String
    /// Number of sites per kind.
    public let countsByKind: [String: Int]
    public let sites: [TcbUnsafeSite]
}

public struct AssemblyFileSize: Sendable, Equatable, Codable {
    public let path: String
    public let lines: Int
    public let codeLines: Int

    public init(path: String, lines: Int, codeLines: Int) {
        self.path = path
        self.lines = lines
        self.codeLines = codeLines
    }
}

public struct TcbReport: Sendable, Codable {
    public static let lineCountDefinition =
        "a line of code is a line holding at least one character of a token that is not a comment; "
        + "blank lines and comment-only lines are not counted"

    public let lineCountDefinition: String
    /// Privileged modules (Framework and FrameworkAsm).
    public let frameworkLines: LanguageLineCounts
    /// Every kernel module, privileged ones included.
    public let kernelLines: LanguageLineCounts
    /// frameworkLines.total / kernelLines.total, in percent (0 for an empty kernel).
    public let frameworkSharePercent: Double
    public let moduleLines: [ModuleLineCounts]
    public let unsafeSitesByFile: [TcbFileSites]
    public let unjustifiedSites: [TcbUnsafeSite]
    public let unsafePublicAPI: [UnsafePublicSignature]
    public let assemblyFiles: [AssemblyFileSize]
    /// (f) Components and their controlled-API grants; nil without a Components.toml.
    public var componentGrants: TcbComponentSection? = nil

    public var unsafeSiteCount: Int { unsafeSitesByFile.reduce(0) { $0 + $1.sites.count } }

    /// Why the gate fails; empty when it passes.
    public var gateFailures: [String] {
        var reasons: [String] = []
        if !unjustifiedSites.isEmpty {
            reasons.append("\(unjustifiedSites.count) unsafe sites in the privileged modules lack a SAFETY justification")
        }
        if !unsafePublicAPI.isEmpty {
            reasons.append("\(unsafePublicAPI.count) public Framework declarations expose unsafe or C types")
        }
        return reasons
    }

    public var passesGate: Bool { gateFailures.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case lineCountDefinition, frameworkLines, kernelLines, frameworkSharePercent, moduleLines,
             unsafeSitesByFile, unjustifiedSites, unsafePublicAPI, assemblyFiles, componentGrants
    }

    private enum GateCodingKeys: String, CodingKey {
        case passesGate, gateFailures
    }

    /// Encodes the stored fields plus the gate verdict, so JSON readers need not recompute it.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lineCountDefinition, forKey: .lineCountDefinition)
        try container.encode(frameworkLines, forKey: .frameworkLines)
        try container.encode(kernelLines, forKey: .kernelLines)
        try container.encode(frameworkSharePercent, forKey: .frameworkSharePercent)
        try container.encode(moduleLines, forKey: .moduleLines)
        try container.encode(unsafeSitesByFile, forKey: .unsafeSitesByFile)
        try container.encode(unjustifiedSites, forKey: .unjustifiedSites)
        try container.encode(unsafePublicAPI, forKey: .unsafePublicAPI)
        try container.encode(assemblyFiles, forKey: .assemblyFiles)
        try container.encodeIfPresent(componentGrants, forKey: .componentGrants)
        var gate = encoder.container(keyedBy: GateCodingKeys.self)
        try gate.encode(passesGate, forKey: .passesGate)
        try gate.encode(gateFailures, forKey: .gateFailures)
    }
}

public enum TcbReportBuilder {
    public static func build(from layout: KernelLayout) throws -> TcbReport {
        var moduleLines: [ModuleLineCounts] = []
        var fileSites: [TcbFileSites] = []
        var assemblyFiles: [AssemblyFileSize] = []
        var parsedPrivilegedSwift: [SwiftSourceFile] = []
        var headerTypeNames: Set<String> = []

        for module in layout.modules {
            var counts = LanguageLineCounts()
            for path in module.swiftFiles {
                let file = SwiftSourceFile(path: path, source: try layout.contents(of: path))
                counts.swift += file.lines.codeLineCount
                guard module.kind.isPrivileged else { continue }
                parsedPrivilegedSwift.append(file)
                let sites = findUnsafeConstructs(in: file).filter(\.kind.isUnsafeSite).map {
                    TcbUnsafeSite(path: path, line: $0.line, column: $0.column, kind: $0.kind.rawValue,
                                  spelling: $0.spelling, isJustified: $0.isJustified)
                }
                fileSites.append(contentsOf: fileSitesIfAny(path, sites))
            }
            for (paths, dialect) in [(module.cHeaders, CSourceDialect.c), (module.cSources, .c), (module.assemblyFiles, .assembly)] {
                for path in paths {
                    let scan = CSourceScan(text: try layout.contents(of: path), dialect: dialect)
                    switch (dialect, path.hasSuffix(".h")) {
                    case (.assembly, _):
                        counts.assembly += scan.lines.codeLineCount
                        assemblyFiles.append(AssemblyFileSize(path: path, lines: scan.lines.lineCount,
                                                              codeLines: scan.lines.codeLineCount))
                    case (.c, true): counts.cHeaders += scan.lines.codeLineCount
                    case (.c, false): counts.cSources += scan.lines.codeLineCount
                    }
                    guard module.kind.isPrivileged, dialect == .c else { continue }
                    if module.language == .c { headerTypeNames.formUnion(scan.declaredTypeNames) }
                    let sites = scan.inlineAssemblySites.map {
                        TcbUnsafeSite(path: path, line: $0.line, column: $0.column, kind: TcbUnsafeSite.inlineAssemblyKind,
                                      spelling: "__asm__", isJustified: $0.isJustified)
                    }
                    fileSites.append(contentsOf: fileSitesIfAny(path, sites))
                }
            }
            moduleLines.append(ModuleLineCounts(module: module.name, kind: module.kind, lines: counts))
        }

        let swiftTypeNames = parsedPrivilegedSwift.reduce(into: Set<String>()) { $0.formUnion(declaredTypeNames(in: $1)) }
        let policy = ExposedTypePolicy(cTypeNames: headerTypeNames.subtracting(swiftTypeNames),
                                       cModuleNames: layout.cModuleNames)
        let publicAPI = parsedPrivilegedSwift.flatMap { findUnsafePublicSignatures(in: $0, policy: policy) }

        let frameworkLines = moduleLines.filter { $0.kind.isPrivileged }.map(\.lines).reduce(LanguageLineCounts(), +)
        let kernelLines = moduleLines.map(\.lines).reduce(LanguageLineCounts(), +)
        let share = kernelLines.total == 0 ? 0 : Double(frameworkLines.total) * 100 / Double(kernelLines.total)
        fileSites.sort { $0.path < $1.path }
        var report = TcbReport(
            lineCountDefinition: TcbReport.lineCountDefinition,
            frameworkLines: frameworkLines, kernelLines: kernelLines,
            frameworkSharePercent: (share * 10).rounded() / 10,
            moduleLines: moduleLines, unsafeSitesByFile: fileSites,
            unjustifiedSites: fileSites.flatMap(\.sites).filter { !$0.isJustified },
            unsafePublicAPI: publicAPI.sorted { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) },
            assemblyFiles: assemblyFiles.sorted { $0.path < $1.path })
        report.componentGrants = TcbComponentSection.build(repositoryRoot: layout.root)
        return report
    }

    private static func fileSitesIfAny(_ path: String, _ sites: [TcbUnsafeSite]) -> [TcbFileSites] {
        guard !sites.isEmpty else { return [] }
        let counts = sites.reduce(into: [String: Int]()) { $0[$1.kind, default: 0] += 1 }
        return [TcbFileSites(path: path, countsByKind: counts, sites: sites)]
    }
}
