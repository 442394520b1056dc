// A gdb session against QEMU's GDB stub. The toolkit writes a gdb script that loads the kernel
// ELF (with DWARF from the Swift build), connects to :1234, and defines `sbreak NAME`, which sets
// a breakpoint at every function whose demangled Swift name contains NAME (gdb cannot demangle
// Swift). QEMU's stub implements breakpoints by virtual address, so they work before the kernel
// turns paging on.

import Foundation

public struct DebugSession {
    public enum Mode: Sendable { case interactive, batch }

    let project: Project
    let image: URL
    let symbols: [KernelSymbol]

    public init(project: Project, image: URL) throws {
        self.project = project
        self.image = image
        self.symbols = try SymbolTable.read(image: image)
    }

    /// Addresses of functions whose demangled name contains `name` (exact matches first).
    public func resolve(_ name: String) -> [KernelSymbol] {
        let exact = symbols.filter { $0.name == name || $0.name.hasSuffix(" " + name) || $0.name.hasPrefix(name + "(") }
        if !exact.isEmpty { return exact }
        return symbols.filter { $0.name.contains(name) }
    }

    func writeScript(breakpoints: [String], mode: Mode) throws -> URL {
        let mapFile = project.output("debug-symbols.tsv")
        try symbols.map { "\(String($0.address, radix: 16))\t\($0.name)" }.joined(separator: "\n")
            .write(to: mapFile, atomically: true, encoding: .utf8)
        var lines = [
            "set pagination off",
            "set confirm off",
            "file \(image.path)",
            "target remote localhost:1234",
            "python",
            "import gdb",
            "SYMBOLS = []",
            "for line in open('\(mapFile.path)'):",
            "    address, _, name = line.rstrip('\\n').partition('\\t')",
            "    SYMBOLS.append((int(address, 16), name))",
            "class SwiftBreak(gdb.Command):",
            "    \"\"\"sbreak NAME: break on every Swift function whose demangled name contains NAME.\"\"\"",
            "    def __init__(self):",
            "        super().__init__('sbreak', gdb.COMMAND_BREAKPOINTS)",
            "    def invoke(self, argument, from_tty):",
            "        matches = [s for s in SYMBOLS if argument in s[1]]",
            "        if not matches:",
            "            print('sbreak: no function matches ' + argument)",
            "        for address, name in matches[:20]:",
            "            gdb.execute('break *0x%x' % address)",
            "            print('  ' + name)",
            "SwiftBreak()",
            "end",
        ]
        for name in breakpoints { lines.append("sbreak \(name)") }
        if mode == .batch {
            lines += ["continue", "bt 5", "info registers rip", "kill", "quit"]
        } else {
            lines.append("echo \\nApus: `sbreak NAME` breaks on Swift functions; `continue` to boot.\\n")
        }
        let script = project.output("debug.gdb")
        try lines.joined(separator: "\n").write(to: script, atomically: true, encoding: .utf8)
        return script
    }

    /// Runs gdb against a fresh QEMU; in batch mode the gdb transcript is also returned.
    public func run(breakpoints: [String], mode: Mode, commandLine: String) throws -> (status: Int32, transcript: String) {
        for name in breakpoints where resolve(name).isEmpty {
            throw ToolkitError("no kernel function matches '\(name)'; names are demangled Swift names like Banner.print")
        }
        let script = try writeScript(breakpoints: breakpoints, mode: mode)
        let console = project.output("debug-console.log")
        var machine = QEMUMachine(kernel: image, commandLine: commandLine)
        machine.debugStub = .waitForGDB
        var qemuArguments = machine.arguments.filter { $0 != "-nographic" }
        qemuArguments += ["-display", "none", "-serial", "file:\(console.path)", "-monitor", "none"]
        let qemu = Process()
        qemu.executableURL = URL(fileURLWithPath: Shell.which("qemu-system-x86_64") ?? "/usr/bin/qemu-system-x86_64")
        qemu.arguments = Array(qemuArguments.dropFirst())
        qemu.standardInput = FileHandle.nullDevice
        try qemu.run()
        defer { if qemu.isRunning { qemu.terminate() } }
        usleep(300_000)
        Shell.step("gdb attached to QEMU (console output in \(console.path))")
        if mode == .batch {
            let result = try Shell.capture(["gdb", "-q", "-batch", "-x", script.path], timeoutSeconds: 120, echo: .echo)
            return (result.status, result.output)
        }
        return (try Shell.stream(["gdb", "-q", "-x", script.path]), "")
    }
}
