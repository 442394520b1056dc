// Proves `apus debug` works: gdb, attached to QEMU's stub, must stop at a breakpoint set on a
// Swift function by its demangled name (the boot banner) and show it in the backtrace.

import Foundation

public struct DebugSmokeTest {
    let project: Project
    public static let function = "Banner.print"

    public init(project: Project) { self.project = project }

    public func run() throws -> TestCounts {
        try Dependencies.ensure([Dependencies.qemu, Dependencies.gdb])
        let image = try KernelBuild(project: project, variant: .kernel).build()
        let session = try DebugSession(project: project, image: image)
        guard let target = session.resolve(Self.function).first else {
            print("debug: no symbol for \(Self.function)")
            return TestCounts(passed: 0, failed: 1)
        }
        let output = try session.run(breakpoints: [Self.function], mode: .batch, commandLine: "").transcript
        // gdb prints "Breakpoint N, <symbol> (...)" when it stops; the symbol is the mangled name,
        // which contains the type name.
        let stopLine = output.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Breakpoint ") && $0.contains(", ") && $0.contains("Banner") }
        let stopped = stopLine != nil
        print(stopped ? "debug: gdb stopped at \(target.name): \(stopLine ?? "")" : "debug: gdb did not stop at \(Self.function):\n\(output)")
        return stopped ? TestCounts(passed: 1, failed: 0) : TestCounts(passed: 0, failed: 1)
    }
}
