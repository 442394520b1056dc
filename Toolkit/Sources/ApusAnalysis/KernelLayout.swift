// Kernel module discovery.
//
// The kernel package (`Kernel/Package.swift`) lays its modules out by convention, and every analysis
// in this library starts from that convention rather than from the manifest, so that it also works
// on fixture trees and on a half-written package:
//
//   Kernel/Framework/Swift/       module `Framework`      privileged (the only Swift allowed unsafe)
//   Kernel/Framework/Asm/         C module `FrameworkAsm` privileged (headers under include/, .S files)
//   Kernel/Libraries/<Name>/      module <Name>           library   (pure Swift)
//   Kernel/Components/<Name>/     module <Name>           component (safe kernel service)
//   Kernel/Entry/                 module `Apus`           entry     (the kernel executable)
//
// Files are listed recursively, sorted by path, skipping hidden entries, so every report built on
// this is deterministic. Paths are kept relative to the repository root for diagnostics.
import Foundation

public enum KernelModuleKind: String, Codable, Sendable, CaseIterable {
    case privileged
    case library
    case component
    case entry

    public var isPrivileged: Bool { self == .privileged }
}

/// The language of a Swift module or of a C module (clang target with headers and assembly).
public enum KernelModuleLanguage: String, Codable, Sendable {
    case swift
    case c
}

public struct KernelModule: Sendable, Equatable {
    public let name: String
    public let kind: KernelModuleKind
    public let language: KernelModuleLanguage
    /// Directory of the module, relative to the repository root (e.g. `Kernel/Libraries/Foo`).
    public let directory: String
    /// Relative paths of `.swift` files.
    public let swiftFiles: [String]
    /// Relative paths of `.h` files.
    public let cHeaders: [String]
    /// Relative paths of `.c` files.
    public let cSources: [String]
    /// Relative paths of `.S` / `.s` files.
    public let assemblyFiles: [String]
    /// Relative paths of `module.modulemap` files (a C module map makes a directory importable).
    public let moduleMaps: [String]

    /// Every non-Swift source file, the kind a safe module must not contain.
    public var foreignSourceFiles: [String] {
        (cHeaders + cSources + assemblyFiles + moduleMaps).sorted()
    }
}

public enum KernelLayoutError: Error, CustomStringConvertible, Equatable {
    case kernelDirectoryMissing(String)
    case repositoryRootNotFound(String)

    public var description: String {
        switch self {
        case .kernelDirectoryMissing(let path):
            return "no kernel package at \(path) (expected Kernel/Framework, Kernel/Libraries, ...)"
        case .repositoryRootNotFound(let start):
            return "no directory holding Kernel/Package.swift at or above \(start); pass --root"
        }
    }
}

public struct KernelLayout: Sendable {
    /// The name the kernel package gives its executable target in `Kernel/Entry`.
    public static let entryModuleName = "Apus"
    public static let frameworkModuleName = "Framework"
    public static let frameworkAsmModuleName = "FrameworkAsm"

    /// Absolute repository root (the directory holding `Kernel/`).
    public let root: URL
    /// Modules sorted by kind (privileged first), then name.
    public let modules: [KernelModule]

    public init(root: URL, modules: [KernelModule]) {
        self.root = root
        self.modules = modules
    }

    public var swiftModuleNames: Set<String> {
        Set(modules.filter { $0.language == .swift }.map(\.name))
    }

    public var cModuleNames: Set<String> {
        Set(modules.filter { $0.language == .c }.map(\.name))
    }

    public var privilegedModules: [KernelModule] { modules.filter { $0.kind.isPrivileged } }
    public var nonPrivilegedModules: [KernelModule] { modules.filter { !$0.kind.isPrivileged } }

    public func absolutePath(_ relativePath: String) -> String {
        root.appendingPathComponent(relativePath).path
    }

    public func contents(of relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// Finds the kernel modules under `root/Kernel` by the directory convention.
    public static func discover(repositoryRoot root: URL) throws -> KernelLayout {
        let kernel = root.appendingPathComponent("Kernel")
        guard isDirectory(kernel) else { throw KernelLayoutError.kernelDirectoryMissing(kernel.path) }
        let walker = DirectoryWalker(root: root)
        var modules: [KernelModule] = []

        let framework = "Kernel/Framework"
        if isDirectory(root.appendingPathComponent("\(framework)/Swift")) {
            modules.append(walker.module(frameworkModuleName, .privileged, .swift, "\(framework)/Swift"))
        }
        if isDirectory(root.appendingPathComponent("\(framework)/Asm")) {
            modules.append(walker.module(frameworkAsmModuleName, .privileged, .c, "\(framework)/Asm"))
        }
        for (folder, kind) in [("Libraries", KernelModuleKind.library), ("Components", .component)] {
            for name in walker.subdirectoryNames(of: "Kernel/\(folder)") {
                modules.append(walker.module(name, kind, .swift, "Kernel/\(folder)/\(name)"))
            }
        }
        if isDirectory(root.appendingPathComponent("Kernel/Entry")) {
            modules.append(walker.module(entryModuleName, .entry, .swift, "Kernel/Entry"))
        }
        let kindOrder = KernelModuleKind.allCases
        modules.sort {
            let lhs = kindOrder.firstIndex(of: $0.kind)!, rhs = kindOrder.firstIndex(of: $1.kind)!
            return lhs != rhs ? lhs < rhs : $0.name < $1.name
        }
        return KernelLayout(root: root, modules: modules)
    }

    /// Walks up from `start` to the first directory that holds `Kernel/Package.swift`.
    public static func findRepositoryRoot(startingAt start: URL) -> URL? {
        var candidate = start.standardizedFileURL
        while true {
            let manifest = candidate.appendingPathComponent("Kernel/Package.swift").path
            if FileManager.default.fileExists(atPath: manifest) { return candidate }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { return nil }
            candidate = parent
        }
    }

    /// The root named on the command line, or else the nearest one above the current directory.
    public static func resolveRepositoryRoot(explicitPath: String?) throws -> URL {
        let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let explicitPath {
            return URL(fileURLWithPath: explicitPath, relativeTo: currentDirectory).standardizedFileURL
        }
        guard let found = findRepositoryRoot(startingAt: currentDirectory) else {
            throw KernelLayoutError.repositoryRootNotFound(currentDirectory.path)
        }
        return found
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// Lists files below a module directory, relative to the repository root.
private struct DirectoryWalker {
    let root: URL

    func subdirectoryNames(of relativeDirectory: String) -> [String] {
        let directory = root.appendingPathComponent(relativeDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && KernelLayout.isDirectory(directory.appendingPathComponent($0)) }
            .sorted()
    }

    func files(under relativeDirectory: String) -> [String] {
        var result: [String] = []
        collect(relativeDirectory, into: &result)
        return result.sorted()
    }

    private func collect(_ relativeDirectory: String, into result: inout [String]) {
        let directory = root.appendingPathComponent(relativeDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where !name.hasPrefix(".") {
            let relative = "\(relativeDirectory)/\(name)"
            if KernelLayout.isDirectory(root.appendingPathComponent(relative)) {
                collect(relative, into: &result)
            } else {
                result.append(relative)
            }
        }
    }

    func module(_ name: String, _ kind: KernelModuleKind, _ language: KernelModuleLanguage,
                _ directory: String) -> KernelModule {
        let all = files(under: directory)
        func withExtensions(_ extensions: Set<String>) -> [String] {
            all.filter { extensions.contains(($0 as NSString).pathExtension) }
        }
        return KernelModule(
            name: name, kind: kind, language: language, directory: directory,
            swiftFiles: withExtensions(["swift"]),
            cHeaders: withExtensions(["h"]),
            cSources: withExtensions(["c"]),
            assemblyFiles: withExtensions(["S", "s"]),
            moduleMaps: all.filter { $0.hasSuffix(".modulemap") })
    }
}
