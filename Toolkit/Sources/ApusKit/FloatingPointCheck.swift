// The kernel must not execute x87 or SSE instructions: user FPU state stays live in the registers
// across system calls, so kernel floating point would silently corrupt user programs. Swift's
// Dictionary/Set and any Double/Float arithmetic produce such code. This check disassembles the
// image and names the offending functions.

import Foundation

public enum FloatingPointCheck {
    /// Instructions that manage FPU state on purpose (context switch, boot) are allowed.
    static let allowed: Set<String> = ["fninit", "fxsave64", "fxrstor64", "xsave64", "xrstor64", "xsave", "xrstor", "fxsave", "fxrstor"]

    public static func verify(image: URL) throws {
        let listing = try Shell.check(["llvm-objdump", "-d", "--no-show-raw-insn", "--no-leading-addr", image.path])
        var function = "?"
        var offenders: [String] = []
        for line in listing.split(separator: "\n") {
            if line.hasSuffix(">:") {
                function = String(line.dropLast(1))
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let mnemonic = trimmed.split(separator: " ").first.map(String.init)?.split(separator: "\t").first.map(String.init) ?? ""
            if allowed.contains(mnemonic) { continue }
            let usesRegisters = trimmed.contains("%st") || trimmed.contains("%xmm") || trimmed.contains("%ymm") || trimmed.contains("%zmm")
            let isX87 = mnemonic.hasPrefix("f") && !mnemonic.hasPrefix("fs") && mnemonic != "fence"
            if usesRegisters || isX87 {
                if offenders.last != function { offenders.append(function) }
            }
        }
        guard offenders.isEmpty else {
            throw ToolkitError("the kernel uses floating point (x87/SSE), which would corrupt user FPU state, in:\n  "
                + offenders.prefix(20).joined(separator: "\n  ")
                + "\navoid Double/Float, Dictionary and Set in kernel code")
        }
    }
}
