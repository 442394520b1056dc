// FPU/SSE/AVX for user programs. The kernel itself is built without SSE and must not use x87
// (the toolkit rejects a kernel image containing floating-point instructions), so user FPU state
// stays in the registers across system calls; it is saved and restored only when the CPU switches
// between user contexts (XSAVE where available, FXSAVE otherwise).

import FrameworkAsm

enum FPU {
    // SAFETY: written once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var stateMaskStorageStorage: UInt64 = 0
    static var stateMaskStorage: UInt64 { _read { yield unsafe stateMaskStorageStorage } _modify { yield unsafe &stateMaskStorageStorage } }
    static var stateMask: UInt64 { _read { yield stateMaskStorage } _modify { yield &stateMaskStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var areaSizeStorageStorage: Int = 512
    static var areaSizeStorage: Int { _read { yield unsafe areaSizeStorageStorage } _modify { yield unsafe &areaSizeStorageStorage } }
    static var areaSize: Int { _read { yield areaSizeStorage } _modify { yield &areaSizeStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var initialStateStorage: FPUState? = nil
    static var initialState: FPUState? { _read { yield unsafe initialStateStorage } _modify { yield unsafe &initialStateStorage } }

    static func initialize() {
        var cr0 = cpu_read_cr0()
        cr0 &= ~UInt64(1 << 2)      // EM off: no x87 emulation
        cr0 &= ~UInt64(1 << 3)      // TS off
        cr0 |= (1 << 1) | (1 << 5)  // MP, NE
        cpu_write_cr0(cr0)
        var cr4 = cpu_read_cr4()
        cr4 |= (1 << 9) | (1 << 10) // OSFXSR, OSXMMEXCPT: user SSE allowed
        if CPUFeatures.current.hasXSAVE { cr4 |= 1 << 18 } // OSXSAVE
        cpu_write_cr4(cr4)
        if CPUFeatures.current.hasXSAVE {
            let supported = CPUFeatures.cpuid(0xD, 0)
            var mask: UInt64 = 0x3              // x87, SSE
            if CPUFeatures.current.hasAVX { mask |= 0x4 }
            mask &= UInt64(supported.a) | (UInt64(supported.d) << 32)
            cpu_write_xcr0(mask)
            stateMask = mask
            areaSize = Int(CPUFeatures.cpuid(0xD, 0).b)
        }
        cpu_fninit()
        let initial = FPUState()
        initial.save()
        initialState = initial
    }

    static func save(to area: UnsafeMutableRawPointer) {
        // SAFETY: area is 64-byte aligned with at least areaSize bytes (callers allocate that).
        if stateMask != 0 { unsafe cpu_xsave(area, stateMask) } else { unsafe cpu_fxsave(area) }
    }

    static func restore(from area: UnsafeMutableRawPointer) {
        // SAFETY: as for save; the area holds a state produced by save() or a sanitized copy.
        if stateMask != 0 { unsafe cpu_xrstor(area, stateMask) } else { unsafe cpu_fxrstor(area) }
    }
}

/// One user context's saved FPU/SSE/AVX registers: a 64-byte aligned XSAVE (or FXSAVE) area.
// SAFETY: the area pointer is private, allocated in init with the size XSAVE needs and freed
// only in deinit, so no safe caller can reach it or outlive it.
@safe final class FPUState {
    let area: UnsafeMutableRawPointer

    /// A state equal to the clean one captured at boot (or zeroed before that exists).
    init() {
        // SAFETY: a fresh allocation of areaSize bytes, 64-byte aligned as XSAVE requires.
        unsafe area = UnsafeMutableRawPointer.allocate(byteCount: FPU.areaSize, alignment: 64)
        if let initial = FPU.initialState {
            // SAFETY: both areas have areaSize bytes.
            unsafe area.copyMemory(from: initial.area, byteCount: FPU.areaSize)
        } else {
            // SAFETY: as above.
            unsafe area.initializeMemory(as: UInt8.self, repeating: 0, count: FPU.areaSize)
        }
    }

    func save() { unsafe FPU.save(to: area) }          // SAFETY: our own aligned area.
    func restore() { unsafe FPU.restore(from: area) }  // SAFETY: our own area, holding a saved state.

    func copy(from other: FPUState) {
        // SAFETY: both areas have areaSize bytes.
        unsafe area.copyMemory(from: other.area, byteCount: FPU.areaSize)
    }

    /// Copies the saved area straight to user memory (a signal frame), without a kernel copy.
    func copyOut(toUser address: UInt64) throws(UserMemoryError) {
        try UserMemory.checkRange(address, FPU.areaSize)
        // SAFETY: the area has areaSize bytes; the user range was checked.
        if let failure = unsafe UserMemory.copyToUser(address, from: UnsafeRawPointer(area), count: FPU.areaSize) { throw failure }
    }

    /// Loads a state from user memory (rt_sigreturn) straight into the area and validates it;
    /// an invalid or unreadable state leaves the clean initial state instead.
    func loadFromUser(_ address: UInt64) throws(UserMemoryError) -> Bool {
        do throws(UserMemoryError) {
            try UserMemory.checkRange(address, FPU.areaSize)
            // SAFETY: the area has areaSize bytes; the user range was checked.
            if let failure = unsafe UserMemory.copyFromUser(address, to: area, count: FPU.areaSize) { throw failure }
        } catch {
            resetToInitial()
            throw error
        }
        guard isValid else {
            resetToInitial()
            return false
        }
        return true
    }

    /// What XRSTOR/FXRSTOR would reject with a #GP in the kernel: MXCSR reserved bits, and the
    /// XSAVE header (XSTATE_BV within the enabled components, XCOMP_BV zero, reserved bytes zero).
    var isValid: Bool {
        // SAFETY: every offset read is below 576 <= areaSize (checked) or below 512 (FXSAVE).
        func word64(_ offset: Int) -> UInt64 { unsafe area.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        // SAFETY: as above.
        let mxcsr = unsafe area.loadUnaligned(fromByteOffset: 24, as: UInt32.self)
        guard mxcsr & 0xFFFF_0000 == 0 else { return false }
        if FPU.stateMask != 0 {
            guard FPU.areaSize >= 576 else { return false }
            guard word64(512) & ~FPU.stateMask == 0, word64(520) == 0 else { return false }
            for offset in stride(from: 528, to: 576, by: 8) where word64(offset) != 0 { return false }
        }
        return true
    }

    func resetToInitial() {
        if let initial = FPU.initialState { copy(from: initial) }
        // SAFETY: our own area of areaSize bytes.
        else { unsafe area.initializeMemory(as: UInt8.self, repeating: 0, count: FPU.areaSize) }
    }

    deinit {
        // SAFETY: allocated in init and owned by this object alone.
        unsafe area.deallocate()
    }
}
