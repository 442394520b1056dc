// mount(2)'s option text and flag words: the data parser (name and name=value items), memparse
// sizes and strtoull-style numbers, the magic number old programs put in mountflags, the
// statfs flags a request stands for (relatime unless noatime/strictatime), and the option text
// /proc/mounts prints in Linux's order.
import LinuxABI
import Testing

@Test func dataOptionsSplitIntoItems() {
    let options = MountDataOptions(Array("size=1m,,mode=0755,ro,empty=".utf8))
    #expect(options.items.map { String(decoding: $0.name, as: UTF8.self) } == ["size", "mode", "ro", "empty"])
    #expect(options.items[0].value == Array("1m".utf8))
    #expect(options.items[2].value == nil)
    #expect(options.items[3].value == [])
    #expect(MountDataOptions([]).items.isEmpty)
}

@Test func sizesAndNumbersParseAsTheKernelDoes() {
    #expect(MountDataOptions.parseSize(Array("64k".utf8)) == 65536)
    #expect(MountDataOptions.parseSize(Array("1M".utf8)) == 1 << 20)
    #expect(MountDataOptions.parseSize(Array("2g".utf8)) == 2 << 30)
    #expect(MountDataOptions.parseSize(Array("4096".utf8)) == 4096)
    #expect(MountDataOptions.parseSize(Array("0x1000".utf8)) == 4096)
    #expect(MountDataOptions.parseSize(Array("12q".utf8)) == nil)
    #expect(MountDataOptions.parseSize(Array("k".utf8)) == nil)
    #expect(MountDataOptions.parseSize(Array("16E".utf8)) == nil)              // 2^64: past UInt64
    #expect(MountDataOptions.parseSize(Array("99999999999999999999".utf8)) == nil)
    #expect(MountDataOptions.parseNumber(Array("0755".utf8)) == 0o755)
    #expect(MountDataOptions.parseNumber(Array("089".utf8)) == nil)          // octal has no 8 or 9
    #expect(MountDataOptions.parseNumber([]) == nil)
}

@Test func requestFlagsBecomeMountFlags() {
    #expect(MountRequestFlags(userValue: 0xC0ED_0000 | 1) == .MS_RDONLY)   // MS_MGC_VAL dropped
    #expect(MountRequestFlags(userValue: 0).statfsFlags == .ST_RELATIME)
    #expect(MountRequestFlags([.MS_NOATIME, .MS_NOSUID]).statfsFlags == [.ST_NOATIME, .ST_NOSUID])
    #expect(MountRequestFlags([.MS_STRICTATIME, .MS_RDONLY]).statfsFlags == .ST_RDONLY)
    #expect(MountRequestFlags([.MS_NODEV, .MS_NOEXEC, .MS_SYNCHRONOUS]).statfsFlags
            == [.ST_NODEV, .ST_NOEXEC, .ST_SYNCHRONOUS, .ST_RELATIME])
}

@Test func optionTextIsInLinuxOrder() {
    #expect(MountFlags([]).optionText == Array("rw".utf8))
    #expect(MountFlags([.ST_RELATIME, .ST_NOEXEC, .ST_RDONLY, .ST_NODEV, .ST_NOSUID]).optionText
            == Array("ro,nosuid,nodev,noexec,relatime".utf8))
    #expect(MountFlags([.ST_NOATIME, .ST_SYNCHRONOUS]).optionText == Array("rw,sync,noatime".utf8))
    // What /proc/mounts prints is what statfs's parser reads back.
    let flags: MountFlags = [.ST_RDONLY, .ST_NOSUID, .ST_NODIRATIME]
    #expect(MountFlags(options: flags.optionText) == flags)
}
