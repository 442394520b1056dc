// Extended-attribute limits and flags against the kernel's headers, and how names split.
import Testing
import LinuxABI

/// Checked with the other uapi constants (ConstantTables.swift).
let extendedAttributeConstants: [CConstant] = [
    CConstant("XATTR_NAME_MAX", ExtendedAttributeLimits.XATTR_NAME_MAX),
    CConstant("XATTR_SIZE_MAX", ExtendedAttributeLimits.XATTR_SIZE_MAX),
    CConstant("XATTR_LIST_MAX", ExtendedAttributeLimits.XATTR_LIST_MAX),
    CConstant("XATTR_CREATE", ExtendedAttributeFlags.XATTR_CREATE.rawValue),
    CConstant("XATTR_REPLACE", ExtendedAttributeFlags.XATTR_REPLACE.rawValue),
]

@Test func extendedAttributeNamesSplitIntoNamespaces() throws {
    let user = try ExtendedAttributeName(Array("user.comment".utf8))
    #expect(user.namespace == .user && user.suffixLength == 7 && !user.isBarePrefix)
    #expect(try ExtendedAttributeName(Array("trusted.x".utf8)).namespace == .trusted)
    #expect(try ExtendedAttributeName(Array("security.selinux".utf8)).namespace == .security)
    #expect(try ExtendedAttributeName(Array("system.posix_acl_access".utf8)).namespace == .system)
    #expect(try ExtendedAttributeName(Array("other.x".utf8)).namespace == .unknown)
    #expect(try ExtendedAttributeName(Array("user".utf8)).namespace == .unknown)
    #expect(try ExtendedAttributeName(Array("user.".utf8)).isBarePrefix)
}

@Test func extendedAttributeNamesHaveOneTo255Bytes() {
    #expect(throws: ExtendedAttributeName.Problem.badLength) { try ExtendedAttributeName([]) }
    #expect(throws: ExtendedAttributeName.Problem.badLength) {
        try ExtendedAttributeName(Array("user.".utf8) + [UInt8](repeating: 97, count: 251))
    }
    #expect((try? ExtendedAttributeName(Array("user.".utf8) + [UInt8](repeating: 97, count: 250))) != nil)
}
