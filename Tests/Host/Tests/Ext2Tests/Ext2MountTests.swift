// Mount-time decisions: features this driver does not understand (INCOMPAT: mount error naming
// them; RO_COMPAT: read-only), a journal needing recovery, and superblocks that contradict
// themselves or the device.
import Ext2
import Foundation
import LinuxABI
import Testing

func mountError(_ bytes: [UInt8]) -> Ext2MountError? {
    do {
        _ = try Ext2FileSystem.mount(device: MemoryDevice(bytes), clock: TestClock(), access: .readWrite)
        return nil
    } catch {
        return error
    }
}

/// An image with `-O features` (mke2fs refuses some combinations for ext2; those tests skip).
func imageWithFeatures(_ features: String) throws -> [UInt8] {
    try makeImage(ImageSpec(blockSize: 1024, sizeKiB: 4096, extraOptions: ["-O", features]))
}

@Test(arguments: [("extent", "extent"), ("flex_bg", "flex_bg"), ("meta_bg,^resize_inode", "meta_bg"), ("inline_data", "inline_data")])
func unknownIncompatibleFeaturesRefuseToMount(features: String, expectedName: String) throws {
    let bytes = try imageWithFeatures(features)
    guard case .unsupportedFeatures(_, let names) = mountError(bytes) else {
        Issue.record("mounted an image with \(features)")
        return
    }
    #expect(names.contains(expectedName))
    #expect(mountError(bytes)?.errno == .EINVAL)
    #expect(mountError(bytes)?.description.contains(expectedName) == true)
}

@Test(arguments: ["metadata_csum", "huge_file", "dir_nlink"])
func unknownReadOnlyFeaturesMountReadOnly(feature: String) throws {
    let device = MemoryDevice(try imageWithFeatures(feature))
    let fileSystem = try mount(device)
    #expect(fileSystem.access == .readOnly)
    #expect(fileSystem.mountWarnings.contains { if case .readOnlyFeatures(_, let names) = $0 { names.contains(feature) } else { false } })
    #expect(try list(fileSystem, root)["lost+found"] != nil)
    #expect(throws: Errno.EROFS) { try fileSystem.createFile(name("f"), in: root, permissions: 0o644, caller: rootCaller) }
    #expect(device.writes == 0)
}

@Test func journalNeedingRecoveryIsAMountError() throws {
    var bytes = emptyImage1K
    bytes = try withImageFile(bytes) { path in
        _ = try capture(["debugfs", "-w", "-R", "feature needs_recovery", path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    guard case .journalNeedsRecovery = mountError(bytes) else {
        Issue.record("expected journalNeedsRecovery, got \(String(describing: mountError(bytes)))")
        return
    }
}

@Test func unknownFeatureBitsAreNamedByNumber() throws {
    var bytes = emptyImage1K
    bytes[1024 + 100 + 3] |= 0x80        // RO_COMPAT bit 31
    let fileSystem = try mount(MemoryDevice(bytes))
    #expect(fileSystem.access == .readOnly)
    #expect(fileSystem.mountWarnings.contains(.readOnlyFeatures(mask: 0x8000_0000, names: "FEATURE_R31")))
    bytes[1024 + 96 + 3] |= 0x40        // INCOMPAT bit 30
    guard case .unsupportedFeatures(let mask, let names) = mountError(bytes) else { Issue.record("mounted"); return }
    #expect(mask == 0x4000_0000 && names == "FEATURE_I30")
}

@Test func badSuperblocksAreMountErrors() throws {
    let good = emptyImage1K
    func patched(_ offset: Int, _ values: [UInt8]) -> [UInt8] {
        var bytes = good
        for (index, value) in values.enumerated() { bytes[1024 + offset + index] = value }
        return bytes
    }
    guard case .badMagic = mountError(patched(56, [0, 0])) else { Issue.record("bad magic mounted"); return }
    #expect(mountError(Array(good.prefix(good.count / 2))) != nil, "block count past the device")
    #expect(mountError(patched(24, [7, 0, 0, 0])) != nil, "64 KiB blocks")
    #expect(mountError(patched(32, [0, 0, 0, 0])) != nil, "zero blocks per group")
    #expect(mountError(patched(40, [0xFF, 0xFF, 0, 0])) != nil, "inodes per group")
    #expect(mountError(patched(88, [100, 0])) != nil, "inode size")
    #expect(mountError(patched(76, [9, 0, 0, 0])) != nil, "revision")
    #expect(mountError(patched(0, [1, 0, 0, 0])) != nil, "inode count")
    #expect(mountError(patched(20, [0, 0, 0, 0])) != nil, "first data block")
    #expect(mountError(Array(good.prefix(1500))) != nil, "tiny device")
    // A group descriptor whose inode table lies outside the group.
    var badDescriptor = good
    badDescriptor[2048 + 8] = 0xFF
    badDescriptor[2048 + 9] = 0xFF
    guard case .corrupt = mountError(badDescriptor) else { Issue.record("bad descriptor mounted"); return }
    // The root inode is not a directory.
    let fileSystem = try mount(MemoryDevice(good), access: .readOnly)
    _ = fileSystem
}

@Test func warningsForUncleanAndErroneousFileSystems() throws {
    let device = MemoryDevice(emptyImage1K)
    _ = try mount(device)                      // mounted and never unmounted
    let again = try mount(device)
    #expect(again.mountWarnings.contains(.notCleanlyUnmounted))
    try again.unmount()
    // Unmounting restores the state found at mount time: still unchecked, as on Linux.
    #expect(try mount(device, access: .readOnly).mountWarnings.contains(.notCleanlyUnmounted))
    // e2fsck marks it clean; a clean mount and unmount keep it so.
    let checked = try withImageFile(device.bytes) { path in
        _ = try capture(["e2fsck", "-fy", path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    let cleanDevice = MemoryDevice(checked)
    let clean = try mount(cleanDevice)
    #expect(clean.mountWarnings.isEmpty)
    try clean.unmount()
    #expect(try mount(cleanDevice, access: .readOnly).mountWarnings.isEmpty)
}

@Test func mountOptionsAsLinuxExt2TakesThem() throws {
    func parse(_ text: String) throws(Errno) -> Ext2MountOptions { try Ext2MountOptions.parse(MountDataOptions(Array(text.utf8))) }
    #expect(try parse("") == Ext2MountOptions())
    #expect(try parse("errors=continue").errorBehaviour == .continueOperation)
    #expect(try parse("errors=remount-ro").errorBehaviour == .remountReadOnly)
    #expect(try parse("errors=panic").errorBehaviour == .panic)
    #expect(try parse("errors=panic,errors=continue").errorBehaviour == .continueOperation)
    #expect(try parse("user_xattr,acl") == Ext2MountOptions())
    for refused in ["errors", "errors=", "errors=stop", "acl=1", "noacl", "nouser_xattr", "nosuchoption", "nouid32", "errors=continue,bogus"] {
        #expect(throws: Errno.EINVAL, "\(refused)") { _ = try parse(refused) }
    }
}

@Test func errorsOptionOverridesTheSuperblock() throws {
    // mke2fs's s_errors is continue: a corruption leaves the mount writable, unless errors=
    // says remount-ro, or panic (which only stops writes here, never panics).
    let site = try DamageSite()
    var bytes = site.bytes
    bytes[site.directoryBlock * 1024 + 4] = 0
    bytes[site.directoryBlock * 1024 + 5] = 0
    for (behaviour, expected) in [(nil, Ext2FileSystem.Access.readWrite), (.continueOperation, .readWrite),
                                  (.remountReadOnly, .readOnly), (.panic, .readOnly)] as [(Ext2ErrorBehaviour?, Ext2FileSystem.Access)] {
        let fileSystem = try mount(MemoryDevice(bytes))
        fileSystem.errorBehaviourOverride = behaviour
        #expect(throws: Errno.EUCLEAN) { try fileSystem.lookup(name("entry1"), in: try resolve(fileSystem, "d")) }
        #expect(fileSystem.access == expected, "errors=\(String(describing: behaviour))")
    }
}
