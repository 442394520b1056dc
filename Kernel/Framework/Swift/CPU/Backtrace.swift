// Backtraces by walking frame pointers: every Swift, C and assembly function in the kernel keeps
// %rbp chained (`push %rbp; mov %rsp, %rbp`), and the trap stub links a pseudo frame for the
// interrupted code. Each step is validated before it is followed (aligned, inside kernel space,
// mapped, moving up the stack), so a corrupt chain ends the walk instead of faulting again.

import FrameworkAsm

enum Backtrace {
    static let maximumDepth = 32

    static func print(instructionPointer: UInt64, framePointer: UInt64) {
        RawWriter.write("backtrace:\n")
        printFrame(0, instructionPointer)
        var frame = framePointer
        var depth = 1
        while depth < maximumDepth && isWalkable(frame) {
            // SAFETY: isWalkable checked [frame, frame + 16) is aligned and mapped kernel memory.
            let returnAddress = unsafe UnsafePointer<UInt64>(bitPattern: UInt(frame + 8))!.pointee
            let next = unsafe UnsafePointer<UInt64>(bitPattern: UInt(frame))!.pointee
            if returnAddress == 0 { break }
            // The return address points after the call; step back into it for the lookup.
            printFrame(depth, returnAddress &- 1)
            if next <= frame { break }
            frame = next
            depth += 1
        }
    }

    static func isWalkable(_ frame: UInt64) -> Bool {
        guard frame & 7 == 0, frame >= MemoryLayout.userCeiling, frame < 0x8000_0000_0000 - 16 else { return false }
        return KernelPageTables.isMapped(frame) && KernelPageTables.isMapped(frame + 8)
    }

    static func printFrame(_ index: Int, _ address: UInt64) {
        RawWriter.write("  #")
        RawWriter.decimal(UInt64(index))
        RawWriter.write(" 0x")
        RawWriter.hex(address)
        Symbols.printSymbol(address)
        RawWriter.put(10)
    }
}
