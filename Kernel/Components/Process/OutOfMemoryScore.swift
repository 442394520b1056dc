// Whom the OOM killer picks, with Linux's policy (mm/oom_kill.c oom_badness, proc(5)
// /proc/PID/oom_score and oom_score_adj):
//   badness = resident pages + page-table pages (+ swap: Apus has none)
//             + oom_score_adj × (total pages / 1000)
// The process with the highest badness is killed (on a tie, the later one in the table, as
// Linux's scan keeps the last of equals). Never killed: init (PID 1), kernel tasks (they are not
// processes), zombies (nothing left to free), a process whose oom_score_adj is -1000
// (OOM_SCORE_ADJ_MIN), and a vfork child, which shares its parent's memory (killing it frees
// nothing). /proc/PID/oom_score shows the badness scaled to 0...2000 (and 0 for the never-killed)
// as Linux prints it: (1000 + badness × 1000 / total pages) × 2 / 3.
// Writing oom_score_adj (__set_oom_adj): the value must be in -1000...1000 (else EINVAL); going
// below oom_score_adj_min needs CAP_SYS_RESOURCE (EACCES); a privileged writer also moves
// oom_score_adj_min to the value, so that its choice sticks.

import Framework
import LinuxABI
import Memory

public enum OutOfMemoryScore {
    public static let minimumAdjustment: Int16 = -1000
    public static let maximumAdjustment: Int16 = 1000

    /// Pages of memory and swap the scores are relative to.
    public static var totalPages: Int { KernelMemory.totalFrames }

    /// oom_badness: nil for a process the OOM killer never picks.
    public static func badness(of process: Process, usage: MemoryUsage, totalPages: Int) -> Int? {
        guard process.id != 1, !process.isZombie, process.oomScoreAdjustment != minimumAdjustment,
              process.vforkParent == nil else { return nil }
        return usage.residentPages + usage.pageTablePages + Int(process.oomScoreAdjustment) * (totalPages / 1000)
    }

    /// /proc/PID/oom_score.
    public static func score(of process: Process) -> Int {
        let total = max(totalPages, 1)
        guard let badness = badness(of: process, usage: process.addressSpace.usage, totalPages: total) else { return 0 }
        return max(0, (1000 + badness * 1000 / total) * 2 / 3)
    }

    /// The process to kill, with its usage (for the log line); nil if none may be killed.
    public static func selectVictim(among processes: [Process]) -> (process: Process, usage: MemoryUsage)? {
        let total = totalPages
        var chosen: (process: Process, usage: MemoryUsage, points: Int)?
        for process in processes {
            let usage = process.addressSpace.usage
            guard let points = badness(of: process, usage: usage, totalPages: total) else { continue }
            if let current = chosen, points < current.points { continue }
            chosen = (process, usage, points)
        }
        return chosen.map { ($0.process, $0.usage) }
    }

    /// Sets `process`'s oom_score_adj as a write to /proc/PID/oom_score_adj by a writer with
    /// or without CAP_SYS_RESOURCE does.
    public static func setAdjustment(_ value: Int, of process: Process, writerIsPrivileged: Bool) throws(Errno) {
        guard let adjustment = Int16(exactly: value), adjustment >= minimumAdjustment, adjustment <= maximumAdjustment else {
            throw .EINVAL
        }
        if adjustment < process.oomScoreAdjustmentMinimum && !writerIsPrivileged { throw .EACCES }
        process.oomScoreAdjustment = adjustment
        if writerIsPrivileged { process.oomScoreAdjustmentMinimum = adjustment }
    }
}
