// `apus run`: build, then boot the kernel in QEMU with the console on this terminal.
// Kernel command-line words reach the kernel as the user wrote them: one word per argument after
// `--` (`apus run -- init=/bin/busybox -- sh -c 'echo hi; exit 7'`), or a text in shell syntax
// with `--kcmd` (what `make run KCMD="..."` passes, read verbatim from the environment); a word
// with spaces is quoted for the kernel's parser so init gets it as one argument
// (ApusKit/KernelCommandLineWords.swift).
// `--disk FILE` (repeatable) attaches a raw image as a virtio block device: /dev/vda, /dev/vdb...
// in order, read-write (the guest's writes land in the file). `--net HOSTPORT:GUESTPORT` (repeatable,
// or comma-separated) gives the guest a virtio-net card (eth0) on QEMU's user network with
// restrict=on, forwarding 127.0.0.1:HOSTPORT on the host to the guest's TCP GUESTPORT. `--add DIR` lays a host directory over the default image; `--initrd FILE` boots a cpio archive
// of the user's own instead; with `root=` on the kernel command line and neither, no initramfs is
// given, so the kernel mounts the root device as "/" (`make run DISK=x.ext2 KCMD="root=/dev/vda rw"`). The exit status is the guest's: init's exit status, or 125 after a
// kernel panic. Standard input that is not a terminal is fed to the guest, then end of file.

import ApusKit
import ArgumentParser
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build the kernel and boot it in QEMU (console on this terminal; Ctrl-A X quits QEMU).")

    @Option(name: .long, help: "Guest memory in MiB (default 256; 1024 with --root debian).")
    var memory: Int?

    @Option(name: .long, help: "Stop QEMU after this many seconds.")
    var timeout: Double?

    @Option(name: .long, help: ArgumentHelp("Lay this host directory's files over the default image (same paths, modes kept; repeatable).", valueName: "directory"))
    var add: [String] = []

    @Option(name: .long, help: ArgumentHelp("Boot this cpio archive (newc, plain or gzip'ed) instead of the default image.", valueName: "file"))
    var initrd: String?

    @Option(name: .long, help: ArgumentHelp("Attach this raw disk image as a virtio block device, read-write (repeatable: vda, vdb...).", valueName: "file"))
    var disk: [String] = []

    @Option(name: .long, help: ArgumentHelp("Boot a root file system the toolkit builds (debian: `apus rootfs debian`) from /dev/vda, read-write; --disk images follow it as vdb...", valueName: "system"))
    var root: RootFileSystemChoice?

    @Option(name: .long, help: ArgumentHelp("Give the guest a virtio-net card on QEMU's user network (restrict=on: nothing leaves this machine) and forward 127.0.0.1:HOSTPORT to the guest's GUESTPORT (repeatable).", valueName: "hostport:guestport"))
    var net: [String] = []

    @Option(name: .long, help: ArgumentHelp("Kernel command-line words as one text in shell syntax (quotes group words; nothing is expanded), before the words after --.", valueName: "text"))
    var kcmd: String?

    @Argument(parsing: .captureForPassthrough, help: "Kernel command-line words, one per argument, e.g. log=debug init=/bin/sh.")
    var kernelCommandLine: [String] = []

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            var rootDisks: [QEMUMachine.VirtioDisk] = []
            var rootWords: [String] = []
            if root != nil {
                guard initrd == nil && add.isEmpty else { throw ToolkitError("--root boots from a disk: it cannot be combined with --initrd or --add") }
                let debian = DebianRootFileSystem(project: project)
                try debian.ensureImage()
                rootDisks = [QEMUMachine.VirtioDisk(file: try debian.workingCopy(named: "debian-\(DebianRootFileSystem.suite)-run.ext2", .keepIfCurrent))]
                rootWords = DebianRootFileSystem.kernelWords
            }
            let arguments = KernelCommandLineArguments(text: kcmd, words: kernelCommandLine, leadingWords: rootWords)
            let commandLine = try arguments.kernelText()
            if initrd != nil && !add.isEmpty {
                throw ToolkitError("--add lays files over the default image; it cannot be combined with --initrd")
            }
            let image = RunImage.forRun(initrd: initrd.map { URL(fileURLWithPath: $0) }, adding: add.map { URL(fileURLWithPath: $0) },
                                        kernelWords: try arguments.allWords())
            let kernel = try KernelBuild(project: project, variant: .kernel).build()
            var machine = QEMUMachine(kernel: kernel, initrd: try image.prepare(project: project), commandLine: commandLine)
            machine.memoryMiB = memory ?? (root == nil ? 256 : DebianRootFileSystem.memoryMiB)
            machine.disks = try rootDisks + disk.map { path in
                guard FileManager.default.isReadableFile(atPath: path) else { throw ToolkitError("--disk \(path): no such readable file") }
                return QEMUMachine.VirtioDisk(file: URL(fileURLWithPath: path))
            }
            if !net.isEmpty {
                machine.network = QEMUMachine.UserNetwork(forwards: try net.flatMap { text in
                    try text.split(separator: ",").map { part in
                        guard let forward = QEMUMachine.UserNetwork.PortForward(String(part)) else {
                            throw ToolkitError("--net \(text): expected HOSTPORT:GUESTPORT, ports 1-65535")
                        }
                        return forward
                    }
                })
            }
            Shell.step(isatty(STDIN_FILENO) == 1 ? "booting (QEMU TCG; Ctrl-A X quits)" : "booting (QEMU TCG; standard input is not a terminal: it goes to the guest, then end of file)")
            let status = try machine.runInteractive(timeoutSeconds: timeout)
            if status == 124 { FileHandle.standardError.write(Data("apus: QEMU stopped after \(timeout ?? 0) s\n".utf8)) }
            return status
        }
    }
}

/// The kernel command line of `apus run` and `apus debug`: `--kcmd` text, then the words after `--`.
struct KernelCommandLineArguments {
    let text: String?
    let words: [String]
    /// Words the toolkit puts before the user's (`--root`'s root= and init=; a later word wins).
    var leadingWords: [String] = []

    /// The words as the kernel gets them.
    func allWords() throws -> [String] {
        let passedWords = words.first == "--" ? Array(words.dropFirst()) : words
        do throws(KernelCommandLineWords.ParseError) {
            var textWords: [String] = []
            if let text { textWords = try KernelCommandLineWords.splitShellWords(text) }
            return leadingWords + textWords + passedWords
        } catch {
            throw ToolkitError(error.description)
        }
    }

    func kernelText() throws -> String {
        let passedWords = words.first == "--" ? Array(words.dropFirst()) : words
        do throws(KernelCommandLineWords.ParseError) {
            var textWords: [String] = []
            if let text { textWords = try KernelCommandLineWords.splitShellWords(text) }
            return try KernelCommandLineWords.kernelText(leadingWords + textWords + passedWords)
        } catch {
            throw ToolkitError(error.description)
        }
    }
}
