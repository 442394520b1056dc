// The distro check's pure parts: the kernel's log lines are told apart from a program's output,
// the comparison is exact for `.lines`, every case has a script file name of its own, and the
// Debian image's recipe does not hold the init (changing the init rebuilds nothing).
import Foundation
import Testing
@testable import ApusKit

@Test func kernelLogLinesAreNotProgramOutput() {
    #expect(DistroCheck.isKernelLogLine("[13.922375] warn: syscall 221 (fadvise64) is not implemented: ENOSYS"))
    #expect(DistroCheck.isKernelLogLine("[   0.100210] info: vda"))
    #expect(!DistroCheck.isKernelLogLine("[1] 13"), "a job number")
    #expect(!DistroCheck.isKernelLogLine("[1]+  Running                 sleep 30 &"))
    #expect(!DistroCheck.isKernelLogLine("[distro]# "))
    let (program, kernel) = DistroCheck.split("first\n[13.9] warn: x\n\n  0  \n")
    #expect(program == ["first", "0"])
    #expect(kernel == ["[13.9] warn: x"])
}

@Test func linesMustMatchExactly() throws {
    try DistroCheck.compare("a\n[1.5] warn: noise\nb\n", with: .lines(["a", "b"]))
    #expect(throws: ShellConversation.Failure.self) { try DistroCheck.compare("a\nb\nc\n", with: .lines(["a", "b"])) }
    #expect(throws: ShellConversation.Failure.self) { try DistroCheck.compare("b\na\n", with: .lines(["a", "b"])) }
    try DistroCheck.compare("x y z", with: .contains(["y"]))
}

@Test func everyCaseHasItsOwnScript() throws {
    let names = DistroCheck.cases.map(\.name)
    #expect(Set(names).count == names.count)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-distro-\(getpid())")
    defer { try? FileManager.default.removeItem(at: directory) }
    try DistroCheck.writeScripts(to: directory)
    for name in names {
        let text = try String(contentsOf: directory.appendingPathComponent("\(name).sh"), encoding: .utf8)
        #expect(text.hasPrefix("cd \"$(mktemp -d)\""))
    }
}

@Test func theInitIsNotPartOfTheImageRecipe() {
    #expect(!DebianRootFileSystem.recipe.contains("setsid"))
    #expect(DebianRootFileSystem.initScript.contains("setsid --ctty --wait bash"))
    #expect(DebianRootFileSystem.kernelWords.contains("init=\(DebianRootFileSystem.initPath)"))
}
