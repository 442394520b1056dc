// The boot banner: who we are and what we found.

import Framework

enum Banner {
    static let version = "0.1.0"

    static func print() {
        let memoryMiB = BootInformation.totalUsableBytes / (1024 * 1024)
        let freeMiB = UInt64(PhysicalMemory.freeFrameCount) * 4096 / (1024 * 1024)
        let kernelMs = BootTimestamps.frameworkBootNanoseconds / 1_000_000
        let kernelUs = (BootTimestamps.frameworkBootNanoseconds / 1_000) % 1_000
        let totalMs = (BootTimestamps.firmwareNanoseconds + BootTimestamps.frameworkBootNanoseconds) / 1_000_000
        Swift.print("Apus \(version) (x86_64, Embedded Swift framekernel)")
        Swift.print("memory: \(memoryMiB) MiB usable, \(freeMiB) MiB free")
        Swift.print("command line: \(BootInformation.commandLine)")
        Swift.print("boot: kernel \(kernelMs).\(threeDigits(kernelUs)) ms, \(totalMs) ms since power-on")
    }

    static func threeDigits(_ value: UInt64) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.utf8.count)) + text
    }
}
