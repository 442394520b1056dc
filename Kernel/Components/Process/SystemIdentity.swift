// The machine's identity as uname(2), sethostname(2), setdomainname(2), /proc/version and
// /proc/sys/kernel/{hostname,domainname,ostype,osrelease,version} show it: one host name and
// one domain name for the whole system (Apus has no UTS namespaces), each at most 64 bytes.

import Framework
import LinuxABI

public enum SystemIdentity {
    public static let operatingSystem = "Linux"
    public static let release = "6.1.0-apus"
    public static let version = "#1 SMP Apus 0.1.0"
    public static let machine = "x86_64"
    /// __NEW_UTS_LEN.
    public static let maximumNameBytes = 64

    static let names = SpinLock<(host: [UInt8], domain: [UInt8])>((Array("apus".utf8), Array("(none)".utf8)))

    public static var hostName: [UInt8] { names.withLock { $0.host } }
    public static var domainName: [UInt8] { names.withLock { $0.domain } }

    /// The caller checks CAP_SYS_ADMIN; the length is checked here (EINVAL).
    public static func setHostName(_ bytes: [UInt8]) throws(Errno) {
        guard bytes.count <= maximumNameBytes else { throw .EINVAL }
        names.withLock { $0.host = bytes }
    }

    public static func setDomainName(_ bytes: [UInt8]) throws(Errno) {
        guard bytes.count <= maximumNameBytes else { throw .EINVAL }
        names.withLock { $0.domain = bytes }
    }

    /// /proc/version: "Linux version RELEASE (builder) VERSION", the form Linux prints.
    public static var versionLine: [UInt8] {
        Array("\(operatingSystem) version \(release) (apus@apus) (swiftc, Embedded Swift) \(version)\n".utf8)
    }
}
