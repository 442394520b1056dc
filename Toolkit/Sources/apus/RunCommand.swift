// `apus run`: build, then boot the kernel in QEMU with the console on this terminal.
// Kernel command-line words are passed through (`apus run -- log=debug`, `make run KCMD=...`).
// The exit status is the guest's: init's exit status, or 125 after a kernel panic.

import ApusKit
import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build the kernel and boot it in QEMU (console on this terminal; Ctrl-A X quits QEMU).")

    @Option(name: .long, help: "Guest memory in MiB.")
    var memory = 256

    @Option(name: .long, help: "Stop QEMU after this many seconds.")
    var timeout: Double?

    @Argument(parsing: .captureForPassthrough, help: "Kernel command-line words, e.g. log=debug init=/bin/sh.")
    var kernelCommandLine: [String] = []

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            let image = try KernelBuild(project: project, variant: .kernel).build()
            let words = kernelCommandLine.first == "--" ? Array(kernelCommandLine.dropFirst()) : kernelCommandLine
            var machine = QEMUMachine(kernel: image, initrd: try InitialRamDisk.defaultImage(project: project),
                                      commandLine: words.joined(separator: " "))
            machine.memoryMiB = memory
            Shell.step("booting (QEMU TCG; Ctrl-A X quits)")
            let status = try machine.runInteractive(timeoutSeconds: timeout)
            if status == 124 { FileHandle.standardError.write(Data("apus: QEMU stopped after \(timeout ?? 0) s\n".utf8)) }
            return status
        }
    }
}
