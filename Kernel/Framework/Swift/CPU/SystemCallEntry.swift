// SYSCALL/SYSRET setup (AMD64 APM Vol. 2, 6.1.1): EFER.SCE, the entry point in LSTAR, the
// selector bases in STAR (kernel CS 0x08/SS 0x10; SYSRET uses base 0x10: SS 0x18|3, CS 0x20|3),
// and FMASK clearing IF, TF, DF, NT and AC on entry (AC matters with SMAP).

import FrameworkAsm

enum SystemCallEntry {
    static let msrEFER: UInt32 = 0xC000_0080
    static let msrSTAR: UInt32 = 0xC000_0081
    static let msrLSTAR: UInt32 = 0xC000_0082
    static let msrFMASK: UInt32 = 0xC000_0084

    static func initialize() {
        cpu_write_msr(msrEFER, cpu_read_msr(msrEFER) | 1)
        let star = (UInt64(0x10) << 48) | (UInt64(KERNEL_CODE_SELECTOR) << 32)
        cpu_write_msr(msrSTAR, star)
        cpu_write_msr(msrLSTAR, address_of_syscall_entry())
        cpu_write_msr(msrFMASK, 0x200 | 0x100 | 0x400 | 0x4000 | 0x40000)
    }
}
