// `apus rootfs debian [--rebuild]`: builds (or finds in the cache) the Debian 12 root file system
// image that `apus run --root debian` boots (ApusKit/DebianRootFileSystem.swift) and prints its path.

import ApusKit
import ArgumentParser
import Foundation

/// The root file systems the toolkit knows how to build.
enum RootFileSystemChoice: String, ExpressibleByArgument, CaseIterable {
    case debian
}

struct RootfsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rootfs",
        abstract: "Build a Debian 12 root file system as an ext2 image (mmdebstrap from apt's archive; cached under out/rootfs).")

    @Argument(help: "Which root file system: debian.")
    var system: RootFileSystemChoice

    @Flag(name: .long, help: "Build it again even if the cached image matches the recipe.")
    var rebuild = false

    func run() throws {
        try reportingErrors {
            let root = DebianRootFileSystem(project: try Project.locate())
            let image = try root.ensureImage(rebuild ? .rebuild : .reuseIfCurrent)
            print(image.path)
            return 0
        }
    }
}
