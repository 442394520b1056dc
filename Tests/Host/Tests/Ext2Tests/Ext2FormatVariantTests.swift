// Format variants the engine must handle besides Debian's default: no filetype feature (directory
// entries without types), revision 0 (fixed 128-byte inodes, no feature bits), no sparse_super
// (a superblock copy in every group), and 2 KiB blocks.
import Ext2
import Foundation
import LinuxABI
import Testing

@Test(arguments: [["-O", "^filetype"], ["-r", "0"], ["-O", "^sparse_super,^resize_inode"], ["-b", "2048"]])
func writesAndReadsFormatVariants(options: [String]) throws {
    let bytes = try makeImage(ImageSpec(blockSize: 1024, sizeKiB: 20480, inodeSize: 128, extraOptions: options))
    let device = MemoryDevice(bytes)
    let fileSystem = try mount(device)
    let directory = try fileSystem.makeDirectory(name("dir"), in: root, permissions: 0o755, caller: rootCaller)
    let file = try fileSystem.createFile(name("file"), in: directory, permissions: 0o644, caller: rootCaller)
    let data = pattern(300_000, seed: 70)
    #expect(try fileSystem.write(inode: file, at: 0, data, caller: rootCaller) == data.count)
    _ = try fileSystem.makeSymbolicLink(name("link"), in: directory, target: name("file"), caller: rootCaller)
    for index in 0..<100 { _ = try fileSystem.createFile(name("n\(index)"), in: directory, permissions: 0o600, caller: rootCaller) }
    var types: [FileType?] = []
    _ = try fileSystem.readDirectory(directory, from: 0) { entry in
        types.append(entry.type)
        return .taken
    }
    let recordsTypes = !options.contains("^filetype") && !options.contains("0")
    #expect(types.allSatisfy { ($0 != nil) == recordsTypes })
    _ = try fileSystem.rename(name("file"), in: directory, to: name("moved"), in: root, mode: .replace, caller: rootCaller)
    try removeFile(fileSystem, "n5", in: directory)
    let matches = try contents(fileSystem, file) == data
    #expect(matches)
    try fileSystem.unmount()
    try expectClean(device)
    let dumped = try debugfsContents(device.bytes, "/moved") == data
    #expect(dumped)
}
