// `apus debug`: boot the kernel under QEMU's GDB stub, stopped at the first instruction, and
// attach gdb with the kernel's symbols. Swift functions are named by their demangled names:
// `--break Banner.print` (or `sbreak Banner.print` inside gdb) resolves every matching symbol to
// its address. The guest console goes to out/debug-console.log.
// `--batch` runs gdb non-interactively (continue to the first breakpoint, print a backtrace,
// kill): the test suite uses it to prove breakpoints on Swift functions work.

import ApusKit
import ArgumentParser
import Foundation

struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Boot under QEMU's GDB stub and attach gdb (break on Swift functions by name).")

    @Option(name: .long, help: "Set a breakpoint on every function whose demangled name contains this (repeatable).")
    var `break`: [String] = []

    @Flag(name: .long, help: "Non-interactive: run to the first breakpoint, print a backtrace, quit.")
    var batch = false

    @Option(name: .long, help: ArgumentHelp("Kernel command-line words as one text in shell syntax (as `apus run --kcmd`).", valueName: "text"))
    var kcmd: String?

    @Argument(parsing: .captureForPassthrough, help: "Kernel command-line words, one per argument.")
    var kernelCommandLine: [String] = []

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            try Dependencies.ensure([Dependencies.qemu, Dependencies.gdb])
            let image = try KernelBuild(project: project, variant: .kernel).build()
            let session = try DebugSession(project: project, image: image)
            let commandLine = try KernelCommandLineArguments(text: kcmd, words: kernelCommandLine).kernelText()
            return try session.run(breakpoints: self.break, mode: batch ? .batch : .interactive,
                                   commandLine: commandLine).status
        }
    }
}
