// Every Linux-style name the library declares (an all-caps `static let` or enum case) must be
// compared with C somewhere, or be one of the few hand-checked kernel-internal numbers. This keeps
// the library honest as it grows: a constant cannot be added without being checked.
import Foundation
import Testing
import LinuxABI

let librarySourceDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Kernel/Libraries/LinuxABI")

/// All-caps identifiers declared by `static let NAME` or `case NAME ...` in the library.
func declaredLinuxNames() throws -> Set<String> {
    let files = try FileManager.default.contentsOfDirectory(atPath: librarySourceDirectory.path)
        .filter { $0.hasSuffix(".swift") }
    #expect(files.count >= 15)
    var names = Set<String>()
    func isLinuxStyle(_ word: Substring) -> Bool {
        word.count >= 2 && word.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } && word.contains { $0.isLetter }
    }
    for file in files {
        let text = try String(contentsOf: librarySourceDirectory.appendingPathComponent(file), encoding: .utf8)
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.drop { $0 == " " }
            if line.hasPrefix("public static let ") {
                let word = line.dropFirst("public static let ".count).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if isLinuxStyle(word) { names.insert(String(word)) }
            } else if line.hasPrefix("case "), !line.hasPrefix("case ."), !line.hasPrefix("case (") {
                for item in line.dropFirst(5).split(separator: ",") {
                    let word = item.drop { $0 == " " || $0 == "`" }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    if isLinuxStyle(word) { names.insert(String(word)) }
                }
            }
        }
    }
    return names
}

@Test func everyLinuxNamedConstantIsChecked() throws {
    let declared = try declaredLinuxNames()
    #expect(declared.count > 600)
    var checked = handCheckedNames
    for entry in uapiConstants + libcConstants {
        checked.insert(entry.name)
        checked.insert(entry.swiftName)
    }
    checked.formUnion(Errno.allCases.map(\.name))
    checked.formUnion(["EWOULDBLOCK", "EDEADLOCK", "ENOTSUP"])   // SystemCallTests compares them
    checked.formUnion(KernelErrno.allCases.map(\.name))         // kernel-internal, asserted there
    let unchecked = declared.subtracting(checked).sorted()
    #expect(unchecked.isEmpty, "declared but never compared with C: \(unchecked)")
}

@Test func theScannerSeesWhatItShould() throws {
    // Guards against the scan silently finding nothing.
    let declared = try declaredLinuxNames()
    for name in ["O_CLOEXEC", "AT_FDCWD", "SIGKILL", "EPERM", "B38400", "__WALL", "_IOC_READ", "FUTEX_OP_SET", "TCGETS"] {
        #expect(declared.contains(name), "\(name)")
    }
}
