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
        let hexAddress = "0x" + String(target.address, radix: 16)
        let stopped = output.contains("Breakpoint 1, ") && output.contains(hexAddress)
        print(stopped ? "debug: gdb stopped at \(target.name) (\(hexAddress))" : "debug: gdb did not stop at \(Self.function):\n\(output)")
        return stopped ? TestCounts(passed: 1, failed: 0) : TestCounts(passed: 0, failed: 1)
    }
}
