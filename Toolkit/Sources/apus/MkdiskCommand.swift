// `apus mkdisk DIR OUT [--size N]`: an ext2 image of the tree under DIR, made by Debian's
// `mke2fs -t ext2 -d` (1 KiB blocks), to attach with `apus run --disk OUT`.

import ApusKit
import ArgumentParser
import Foundation

struct MkdiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mkdisk", abstract: "Build an ext2 disk image from a directory (mke2fs -d).")

    @Argument(help: "The directory whose tree the image holds.")
    var directory: String

    @Argument(help: "The image file to write (replaced if it exists).")
    var output: String

    @Option(name: .long, help: "Image size: bytes, or with a K, M or G suffix (default: the tree plus half again and 2 MiB).")
    var size: String?

    func run() throws {
        try reportingErrors {
            try Dependencies.ensure([Dependencies.mke2fs])
            var bytes: Int?
            if let size {
                guard let parsed = Ext2Disk.parseSize(size) else { throw ToolkitError("--size \(size): not a size") }
                bytes = parsed
            }
            let target = URL(fileURLWithPath: output)
            try Ext2Disk.make(from: URL(fileURLWithPath: directory), to: target, sizeBytes: bytes)
            print("wrote \(target.path)")
            return 0
        }
    }
}
