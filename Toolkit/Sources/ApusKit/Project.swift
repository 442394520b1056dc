// Where things are: the repository root (found by walking up to `Kernel/Package.swift`), the
// kernel package, build folders and the output folder. Every command starts from here.

import Foundation

public struct Project: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Finds the repository from the current directory (or `APUS_ROOT`).
    public static func locate() throws -> Project {
        if let explicit = ProcessInfo.processInfo.environment["APUS_ROOT"] {
            return Project(root: URL(fileURLWithPath: explicit))
        }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Kernel/Package.swift").path) {
                return Project(root: directory)
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path {
                throw ToolkitError("cannot find the Apus repository (no Kernel/Package.swift above \(FileManager.default.currentDirectoryPath)); run apus from inside the repository or set APUS_ROOT")
            }
            directory = parent
        }
    }

    public var kernelPackage: URL { root.appendingPathComponent("Kernel") }
    public var outputDirectory: URL { root.appendingPathComponent("out") }
    public func scratch(_ name: String) -> URL { root.appendingPathComponent(".build-\(name)") }
    public func output(_ name: String) -> URL { outputDirectory.appendingPathComponent(name) }
    public var linkerScript: URL { kernelPackage.appendingPathComponent("Build/kernel.ld") }
}

public struct ToolkitError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
