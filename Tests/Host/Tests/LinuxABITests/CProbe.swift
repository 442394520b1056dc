// Cross-checking against C: each test writes a small C program that includes the host's headers,
// compiles it with gcc, runs it, and compares what it prints with the Swift values. The uapi
// probe includes only Linux's own headers (<linux/*>, <asm/*>), which carry the kernel's view where
// it differs from glibc's (struct termios, struct sigaction, O_LARGEFILE); the libc probe includes
// glibc's headers, for the SYS_* and errno lists and the structs user space actually uses.
import Foundation
import Testing
import LinuxABI

struct ProbeFailure: Error, CustomStringConvertible {
    let description: String
}

enum HeaderSet: Sendable {
    case uapi
    case libc

    var prelude: String {
        switch self {
        case .uapi:
            return """
            #include <linux/types.h>
            #include <linux/fcntl.h>
            #include <linux/fs.h>
            #include <linux/stat.h>
            #include <linux/openat2.h>
            #include <linux/close_range.h>
            #include <asm/stat.h>
            #include <asm/statfs.h>
            #include <asm/termbits.h>
            #include <asm/termios.h>
            #include <asm/ioctls.h>
            #include <asm/signal.h>
            #include <asm/siginfo.h>
            #include <asm/sigcontext.h>
            #include <asm/ucontext.h>
            #include <asm/processor-flags.h>
            #include <linux/sched.h>
            #include <linux/sched/types.h>
            #include <linux/futex.h>
            #include <linux/ipc.h>
            #include <linux/shm.h>
            #include <linux/sem.h>
            #include <linux/msg.h>
            #include <linux/rseq.h>
            #include <linux/prctl.h>
            #include <asm/prctl.h>
            #include <linux/auxvec.h>
            #include <linux/time.h>
            #include <linux/resource.h>
            #include <linux/wait.h>
            #include <linux/mman.h>
            #include <linux/memfd.h>
            #include <linux/eventpoll.h>
            #include <linux/poll.h>
            #include <linux/random.h>
            #include <linux/utsname.h>
            #include <linux/sysinfo.h>
            #include <linux/times.h>
            #include <linux/uio.h>
            #include <linux/signal.h>
            #include <linux/signalfd.h>
            #include <linux/timerfd.h>
            #include <linux/limits.h>
            #include <linux/reboot.h>
            #include <linux/personality.h>
            #include <linux/xattr.h>
            #include <linux/magic.h>
            #include <linux/posix_types.h>
            #include <asm/unistd_64.h>
            #include <asm-generic/errno.h>
            """
        case .libc:
            return """
            #define _GNU_SOURCE
            #include <sys/syscall.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <sys/mman.h>
            #include <sys/shm.h>
            #include <signal.h>
            #include <sys/stat.h>
            #include <termios.h>
            #include <sys/ioctl.h>
            #include <sys/wait.h>
            #include <sys/resource.h>
            #include <poll.h>
            #include <sys/epoll.h>
            #include <sys/random.h>
            #include <sched.h>
            #include <sys/prctl.h>
            #include <time.h>
            #include <sys/time.h>
            #include <sys/times.h>
            #include <sys/auxv.h>
            #include <dirent.h>
            #include <sys/utsname.h>
            #include <sys/sysinfo.h>
            #include <sys/uio.h>
            #include <sys/sysmacros.h>
            #include <ucontext.h>
            #include <sys/eventfd.h>
            #include <sys/statvfs.h>
            #include <sys/mount.h>
            #include <sys/socket.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <net/if.h>
            #include <net/if_arp.h>
            #include <net/route.h>
            #include <unistd.h>
            /* The test runner's threads block signals and a child inherits the mask: start clean,
               and never hang the test run. */
            __attribute__((constructor)) static void probe_start(void) {
                sigset_t none; sigemptyset(&none); sigprocmask(SIG_SETMASK, &none, 0); alarm(30);
            }
            """
        }
    }
}

enum CProbe {
    /// Compiles `prelude + body` (the body holds `main` and helpers) and returns what the program
    /// printed, one "key value" pair per line. `arguments` are passed to the program.
    static func run(_ headers: HeaderSet, _ body: String, arguments: [String] = []) throws -> [String: String] {
        let output = try runRaw(headers, body, arguments: arguments)
        var values: [String: String] = [:]
        // Keys may contain spaces (C expressions); values never do.
        for line in output.split(separator: "\n") {
            guard let space = line.lastIndex(of: " ") else { continue }
            values[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return values
    }

    static func runRaw(_ headers: HeaderSet, _ body: String, arguments: [String] = []) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("linuxabi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("probe.c")
        let binary = directory.appendingPathComponent("probe")
        let program = headers.prelude + "\n#include <stdio.h>\n#include <stddef.h>\n#include <string.h>\n" + helpers + body
        try program.write(to: source, atomically: true, encoding: .utf8)
        let compile = try execute("/usr/bin/gcc", ["-w", "-O0", "-o", binary.path, source.path])
        guard compile.status == 0 else {
            throw ProbeFailure(description: "gcc failed:\n\(compile.error)\n--- source ---\n\(program)")
        }
        let run = try execute(binary.path, arguments)
        guard run.status == 0 else {
            throw ProbeFailure(description: "probe exited with \(run.status): \(run.error)\n\(run.output)")
        }
        return run.output
    }

    /// C helpers every probe may use: print a value, or a byte image as hex.
    static let helpers = """
    static void value(const char *name, long long v) { printf("%s %lld\\n", name, v); }
    static void missing(const char *name) { printf("%s missing\\n", name); }
    static void dump(const char *name, const void *p, size_t n) {
        const unsigned char *b = p; printf("%s ", name);
        for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
        printf("\\n");
    }
    static size_t unhex(const char *s, unsigned char *out, size_t max) {
        size_t n = 0; unsigned int byte;
        while (n < max && sscanf(s + 2 * n, "%2x", &byte) == 1) out[n++] = (unsigned char)byte;
        return n;
    }

    """

    static func execute(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                String(decoding: errorData, as: UTF8.self))
    }

    /// The names of all macros that `header` (and what it includes) defines, starting with
    /// `prefix` (from `gcc -dM -E`).
    static func macroNames(header: String, prefix: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("linuxabi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("macros.c")
        try "#define _GNU_SOURCE\n#include <\(header)>\n".write(to: source, atomically: true, encoding: .utf8)
        let result = try execute("/usr/bin/gcc", ["-dM", "-E", source.path])
        guard result.status == 0 else { throw ProbeFailure(description: "gcc -dM failed: \(result.error)") }
        var names: [String] = []
        for line in result.output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 3, words[0] == "#define", words[1].hasPrefix(prefix), !words[1].contains("(") else { continue }
            names.append(String(words[1]))
        }
        return names
    }
}

/// One constant to compare: a C expression and the Swift value, compared modulo the Swift type's
/// width (so an `int` flag with bit 31 set equals its `UInt32` spelling).
struct CConstant: Sendable, CustomStringConvertible {
    let name: String
    let value: UInt64
    let bitWidth: Int
    /// Guard the C expression with #ifdef (false for enumerators, which #ifdef cannot see).
    let isMacro: Bool
    /// The Swift constant's name when it differs from the C expression.
    let swiftName: String

    init<T: FixedWidthInteger>(_ name: String, _ value: T, isMacro: Bool = true, swiftName: String? = nil) {
        self.name = name
        self.swiftName = swiftName ?? name
        self.value = UInt64(truncatingIfNeeded: value)
        bitWidth = T.bitWidth
        self.isMacro = isMacro
    }

    var description: String { "\(name) = \(value)" }

    var mask: UInt64 { bitWidth >= 64 ? UInt64.max : (1 << UInt64(bitWidth)) - 1 }
}

/// Every case of a Linux-named enum: the case name is the C name.
func constants<E: CaseIterable & RawRepresentable>(of type: E.Type, isMacro: Bool = true) -> [CConstant]
where E.RawValue: FixedWidthInteger {
    type.allCases.map { CConstant(String(describing: $0), $0.rawValue, isMacro: isMacro) }
}

/// Runs the constants through a C probe; returns the C value of each (nil when the header lacks it).
func cValues(of entries: [CConstant], headers: HeaderSet, extraDeclarations: String = "") throws -> [String: Int64?] {
    var body = extraDeclarations + "int main(void) {\n"
    for entry in entries {
        if entry.isMacro {
            body += "#ifdef \(entry.name)\n    value(\"\(entry.name)\", (long long)(\(entry.name)));\n#else\n"
            body += "    missing(\"\(entry.name)\");\n#endif\n"
        } else {
            body += "    value(\"\(entry.name)\", (long long)(\(entry.name)));\n"
        }
    }
    body += "    return 0;\n}\n"
    let printed = try CProbe.run(headers, body)
    var result: [String: Int64?] = [:]
    for entry in entries {
        guard let text = printed[entry.name] else { throw ProbeFailure(description: "no output for \(entry.name)") }
        result[entry.name] = text == "missing" ? Int64?.none : Int64(text)
    }
    return result
}

/// Names this library defines that the host's headers (Linux 6.1 uapi, glibc 2.36) are too old to
/// have; their values come from newer Linux headers (checked by hand against the kernel source).
/// Each must really be absent: if the host headers grow them, the check runs instead.
let newerThanHostHeaders: Set<String> = [
    "MAP_DROPPABLE", "MADV_GUARD_INSTALL", "MADV_GUARD_REMOVE", "MFD_NOEXEC_SEAL", "MFD_EXEC",
    "F_SEAL_EXEC", "STATX_MNT_ID_UNIQUE", "STATX_SUBVOL", "STATX_WRITE_ATOMIC", "STATX_DIO_READ_ALIGN",
    "AT_RSEQ_FEATURE_SIZE", "AT_RSEQ_ALIGN", "AT_HWCAP3", "AT_HWCAP4", "SCHED_EXT",
    "ARCH_GET_UNTAG_MASK", "ARCH_ENABLE_TAGGED_ADDR", "ARCH_GET_MAX_TAG_BITS", "ARCH_FORCE_TAGGED_SVA",
    "ARCH_SHSTK_ENABLE", "ARCH_SHSTK_DISABLE", "ARCH_SHSTK_LOCK", "ARCH_SHSTK_UNLOCK", "ARCH_SHSTK_STATUS",
    "PR_SET_MDWE", "PR_GET_MDWE", "PR_GET_AUXV", "SEGV_CPERR",
]

/// Compares every entry with C and records one issue per mismatch.
func expectMatchesC(_ entries: [CConstant], headers: HeaderSet, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let values = try cValues(of: entries, headers: headers)
    for entry in entries {
        let isNewer = newerThanHostHeaders.contains(entry.name)
        guard let cValue = values[entry.name] ?? nil else {
            #expect(isNewer, "\(entry.name) is not in the host's headers", sourceLocation: sourceLocation)
            continue
        }
        #expect(!isNewer,
                "\(entry.name) is in the host's headers now: remove it from newerThanHostHeaders",
                sourceLocation: sourceLocation)
        let cBits = UInt64(bitPattern: cValue) & entry.mask
        #expect(cBits == entry.value & entry.mask, "\(entry.name): C says \(cValue), Swift says \(entry.value)",
                sourceLocation: sourceLocation)
    }
}

/// Parses a probe's hex dump.
func bytes(fromHex hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
        result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return result
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}
