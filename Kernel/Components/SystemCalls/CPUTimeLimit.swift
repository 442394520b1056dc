// RLIMIT_CPU (getrlimit(2), signal(7)): when a process's CPU time (user + system, all its
// threads) reaches the soft limit it gets SIGXCPU, and again every further CPU second (the soft
// limit moves on by one second each time, as in Linux's check_process_timers); at the hard limit
// it gets SIGKILL. An infinite soft limit disables both, as in Linux. The check runs where CPU
// time is charged, on every return from user mode (timer interrupts included), so a process is
// caught within a timer tick of crossing the limit. Both signals come from the kernel (SI_KERNEL).

import Capabilities
import Framework
import LinuxABI
import Process

enum CPUTimeLimit {
    /// Called when the process's CPU time has reached `limits.cpuTimeCheckCycles`.
    static func enforce(_ process: Process, usedCycles: UInt64) {
        let limit = process.limits.cpuTime
        if limit.hard != ResourceLimit.infinity && usedCycles >= ResourceLimits.cycles(seconds: limit.hard) {
            process.limits.disarmCPUTimeCheck()
            send(.SIGKILL, to: process)
            return
        }
        process.limits.advanceCPUSoftLimit()
        send(.SIGXCPU, to: process)
    }

    static func send(_ signal: Signal, to process: Process) {
        let info = SignalDelivery.senderInfo(signal, code: SignalCode.SI_KERNEL, senderID: 0, senderUserID: 0)
        SignalDelivery.send(signal, info: info, to: process.kernelSignalHandle)
    }
}
