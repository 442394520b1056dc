// The fuzzing level's report: worker lines are counted, a run that ends without its closing line
// (a panic, a hang) fails and names the workers that were running, Trinity's call counts are
// added up, and Trinity's shared objects are read from readelf's output.

import Testing
@testable import ApusKit

@Test func cleanRunCountsWorkersAndCalls() {
    let console = """
        Apus 0.1.0
        fuzz: 5000 calls, seeds from 0x1, 2 at a time, 2500 calls per worker, users root and nobody
        fuzz: worker 0 seed 0x1 uid 0: starting 2500 calls
        fuzz: worker 1 seed 0x2 uid 65534: starting 2500 calls
        fuzz: worker 0 seed 0x1 uid 0: 2500 calls, finished: PASS
        fuzz: worker 1 seed 0x2 uid 65534: 1200 calls, died of signal 11 (Segmentation fault) after read: PASS
        fuzz: a fresh process runs and exits after the fuzzing: PASS
        fuzz: done: 3700 calls survived in 2 workers, seeds 0x1..0x2, 3 s
        fuzz: 3 passed, 0 failed
        """
    let report = FuzzCampaign.report(output: console, status: 0)
    #expect(report.counts.passed == 3)
    #expect(report.counts.failed == 0)
    #expect(report.callsSurvived == 3700)
    #expect(report.unfinished.isEmpty)
}

@Test func panicFailsAndNamesTheRunningWorkers() {
    let console = """
        fuzz: worker 0 seed 0x1 uid 0: starting 2500 calls
        fuzz: worker 1 seed 0x2 uid 65534: starting 2500 calls
        fuzz: worker 0 seed 0x1 uid 0: 2500 calls, finished: PASS
        fuzz: worker 2 seed 0x3 uid 0: starting 2500 calls

        kernel panic: Swift runtime trap (ud2: overflow, bounds, unwrap of nil or fatalError)
          #0 0x00007f800016b14b TimeCalls.nanosleep(_:) + 0x11b
        """
    let report = FuzzCampaign.report(output: console, status: 125)
    #expect(report.panicked)
    #expect(report.counts.passed == 1)
    #expect(report.counts.failed == 1)
    #expect(report.unfinished.map(\.seed) == [2, 3])
    #expect(report.unfinished.map(\.uid) == ["65534", "0"])
    #expect(report.consoleTail.contains("TimeCalls.nanosleep"))
}

@Test func hungWorkerFailsWithItsLastCalls() {
    let console = """
        fuzz: worker 0 seed 0x12 uid 65534: starting 2500 calls
        fuzz: worker 0 seed 0x12 uid 65534: 1334 calls, hung (killed after 41 s): FAIL
        fuzz:   call 1334: ppoll(0x7dffe77d5000, 0x1, 0x7dffe77d5008, 0x7dffe77d5018, 0x8, 0) flags 0
        fuzz: a fresh process runs and exits after the fuzzing: PASS
        fuzz: done: 1334 calls survived in 1 workers, seeds 0x12..0x12, 41 s
        fuzz: 1 passed, 1 failed
        """
    let report = FuzzCampaign.report(output: console, status: 1)
    #expect(report.counts.passed == 1)
    #expect(report.counts.failed == 1)
    #expect(report.workerLines.contains { $0.contains("call 1334: ppoll") })
    #expect(report.counts.failures.count == 1)
}

@Test func trinityCallsAreAddedUp() {
    let console = """
        fuzz: worker 0 seed 0x1 uid 65534: starting 1 calls
        [main] Ran 3000 syscalls. Successes: 928  Failures: 1974
        fuzz: worker 0 seed 0x1 uid 65534: 0 calls, finished: PASS
        fuzz: worker 1 seed 0x2 uid 65534: starting 1 calls
        [main] Ran 2500 syscalls. Successes: 904  Failures: 1990
        fuzz: worker 1 seed 0x2 uid 65534: 0 calls, finished: PASS
        fuzz: a fresh process runs and exits after the fuzzing: PASS
        fuzz: done: 0 calls survived in 2 workers, seeds 0x1..0x2, 18 s
        fuzz: 3 passed, 0 failed
        """
    let report = FuzzCampaign.report(output: console, status: 0)
    #expect(report.callsSurvived == 5500)
    #expect(report.counts.passed == 3)
}

@Test func trinitySharedObjectsComeFromReadelf() throws {
    let readelf = """
        Program Headers:
          INTERP         0x000318 0x0000000000000318 0x0000000000000318 0x00001c 0x00001c R   0x1
              [Requesting program interpreter: /lib64/ld-linux-x86-64.so.2]
        Dynamic section at offset 0x5cd10 contains 27 entries:
          Tag        Type                         Name/Value
         0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
        """
    let paths = try TrinityBundle.sharedObjects(readelfOutput: readelf)
    #expect(paths.first == "/lib64/ld-linux-x86-64.so.2")
    #expect(paths.contains { $0.hasSuffix("/libc.so.6") })
    let arguments = TrinityBundle.arguments(calls: 100, children: 2)
    #expect(arguments.starts(with: ["-N", "100", "-C", "2"]))
    #expect(arguments.contains("reboot") && arguments.contains("--dangerous"))
}

@Test func theFuzzersOwnTextOnTheConsoleCountsForNothing() {
    // A root worker wrote the fuzzer's text (its format strings) to /dev/console.
    let console = """
        fuzz: worker 0 seed 0x1 uid 0: starting 2500 calls
        fuzz: worker %d seed %#llx: still there 30 s after SIGKILL: FAIL
        fuzz: worker %d seed %#llx uid %u: starting %ld calls
        fuzz: %d passed, %d failed
        fuzz: worker 0 seed 0x1 uid 0: 2500 calls, finished: PASS
        """
    let report = FuzzCampaign.report(output: console, status: 125)
    #expect(report.counts.passed == 1)
    #expect(report.counts.failures == ["the fuzzing run did not end cleanly: kernel panic"])
    #expect(report.unfinished.isEmpty)
}

@Test func hungTrinityRunReportsItsTasks() {
    let console = """
        fuzz: worker 1 seed 0x2 uid 0: starting 2000 calls
        fuzz: budget of 300 s exceeded by worker 1 (seed 0x2), its tasks:
        fuzz:   task 31 (trinity) state S parent 1 utime 12 stime 40
        fuzz:   task 35 (trinity-c0) state D parent 31 utime 3 stime 900
        fuzz: worker 1 seed 0x2 uid 0: 0 calls, hung (killed after 301 s): FAIL
        fuzz: a fresh process runs and exits after the fuzzing: PASS
        fuzz: done: 0 calls survived in 1 workers, seeds 0x2..0x2, 319 s
        fuzz: 1 passed, 1 failed
        """
    let report = FuzzCampaign.report(output: console, status: 1)
    #expect(report.counts.failed == 1)
    #expect(report.workerLines.contains { $0.contains("budget of 300 s") })
    #expect(report.workerLines.contains { $0.contains("task 35 (trinity-c0) state D") })
}
