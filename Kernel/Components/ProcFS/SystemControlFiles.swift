// /proc/sys settings beyond the System V IPC limits (sysctl(8) reads and writes these files):
// each is a name, its text and, when root may change it, what a write does. Writable settings
// are 0644 root:root (anyone else's open for writing is EACCES from the mode bits), read-only
// ones 0444. Integer writes parse as Linux's proc_dointvec: integers separated by white space,
// an optional sign, base 10 (or 0x/0 prefixes, as kstrtoint); anything else is EINVAL. String
// writes (hostname, domainname) take the text up to the first newline, as proc_dostring.
// The limits shown are the ones the kernel enforces (PipeLimits, RegionLimits, TaskLimits,
// ProcessTable, ResourceLimits); those are fixed in Apus, so their files are read-only.

import FileSystem
import Framework
import KernelLog
import LinuxABI
import Memory
import Process

enum SystemControlFiles {
    struct Setting {
        let name: String
        let read: () -> [UInt8]
        let write: (([UInt8]) throws(Errno) -> Void)?

        init(_ name: String, read: @escaping () -> [UInt8], write: (([UInt8]) throws(Errno) -> Void)? = nil) {
            self.name = name
            self.read = read
            self.write = write
        }

        /// A read-only number.
        init(_ name: String, number: @escaping () -> Int64) {
            self.init(name, read: { ProcFileSystem.decimal(number()) + [10] })
        }
    }

    /// The longest write a setting takes (Linux's sysctl writes take one page; these are short).
    static let writeBytes = 256

    /// Entries added to /proc/sys/kernel after the IPC limits.
    static var kernelSettings: [Setting] {
        [
            Setting("dmesg_restrict", read: { ProcFileSystem.decimal(Int64(KernelLog.dmesgRestrict)) + [10] },
                    write: { (bytes) throws(Errno) in
                        let values = try integers(bytes)
                        guard values.count == 1 else { throw .EINVAL }
                        try KernelLog.setDmesgRestrict(Int(values[0]))
                    }),
            Setting("printk", read: { PrintkLevels.text },
                    write: { (bytes) throws(Errno) in try PrintkLevels.set(try integers(bytes).map { Int($0) }) }),
            Setting("hostname", read: { SystemIdentity.hostName + [10] },
                    write: { (bytes) throws(Errno) in try SystemIdentity.setHostName(line(bytes)) }),
            Setting("domainname", read: { SystemIdentity.domainName + [10] },
                    write: { (bytes) throws(Errno) in try SystemIdentity.setDomainName(line(bytes)) }),
            Setting("ostype", read: { Array(SystemIdentity.operatingSystem.utf8) + [10] }),
            Setting("osrelease", read: { Array(SystemIdentity.release.utf8) + [10] }),
            Setting("version", read: { Array(SystemIdentity.version.utf8) + [10] }),
            Setting("pid_max", number: { Int64(ProcessTable.maximumID) }),
            Setting("threads-max", number: { Int64(TaskLimits.maximumTasks) }),
            Setting("ngroups_max", number: { 65_536 }),
            Setting("tainted", number: { 0 }),
        ]
    }

    static var fileSystemSettings: [Setting] {
        [
            Setting("pipe-max-size", number: { Int64(PipeLimits.maximumBytes) }),
            Setting("pipe-user-pages-soft", number: { Int64(PipeLimits.userPagesSoft) }),
            Setting("pipe-user-pages-hard", number: { Int64(PipeLimits.userPagesHard) }),
            // No system-wide count of open files: Linux shows LONG_MAX for that.
            Setting("file-max", number: { Int64.max }),
            Setting("nr_open", number: { Int64(ResourceLimits.maximumOpenFiles) }),
        ]
    }

    static var virtualMemorySettings: [Setting] {
        [
            Setting("max_map_count", number: { Int64(AddressSpace.maximumRegionCount) }),
            // Heuristic overcommit (0): a mapping is refused only when it can never fit.
            Setting("overcommit_memory", number: { 0 }),
        ]
    }

    static func children(_ settings: [Setting]) -> [ProcNamedDirectory.Child] {
        settings.map { setting in
            ProcNamedDirectory.Child(name: Array(setting.name.utf8), kind: .regular) { number, deviceNumber in
                guard let write = setting.write else {
                    return ProcFile(number: number, deviceNumber: deviceNumber, owner: 0, group: 0, producer: setting.read)
                }
                return ProcControlFile(number: number, deviceNumber: deviceNumber, owner: 0, group: 0, acceptedBytes: writeBytes,
                                       producer: setting.read, taker: write)
            }
        }
    }

    /// proc_dointvec's input: white-space separated integers, at least one.
    static func integers(_ bytes: [UInt8]) throws(Errno) -> [Int64] {
        var values: [Int64] = []
        for word in bytes.prefix(while: { $0 != 0 }).split(whereSeparator: { $0 == 32 || ($0 >= 9 && $0 <= 13) }) {
            values.append(Int64(try OutOfMemoryFiles.parseInteger(Array(word))))
        }
        guard !values.isEmpty else { throw .EINVAL }
        return values
    }

    /// proc_dostring's input: the text up to the first newline or NUL.
    static func line(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.prefix { $0 != 10 && $0 != 0 }) }
}
