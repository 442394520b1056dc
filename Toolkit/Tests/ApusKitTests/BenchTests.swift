// Tests of the benchmark runner's pure parts: reading a guest console, summarizing runs into
// ratios, and the table and chart built from them.

import Foundation
import Testing
@testable import ApusKit

@Test func readsBenchLinesAmongConsoleNoise() {
    let console = """
        [    0.1] Linux version 6.1\r
        BENCH_BEGIN null_syscall\r
        BENCH null_syscall 361.962 ns lower n=36000\r
        BENCH_BEGIN fork_exit
        BENCH_UNSUPPORTED fork_exit fork: ENOSYS
        BENCH_BEGIN pipe_bandwidth
        BENCH_ERROR pipe_bandwidth wrong data at stream offset 0
        BENCH_BEGIN boot_to_init
        BENCH_SKIP boot_to_init not running as init
        BENCH broken notanumber ns lower
        BENCH_DONE
        """
    let transcript = BenchTranscript(console: console)
    #expect(transcript.isComplete)
    #expect(transcript.begun == ["null_syscall", "fork_exit", "pipe_bandwidth", "boot_to_init"])
    #expect(transcript.outcomes["null_syscall"]?.measurement == BenchMeasurement(value: 361.962, unit: "ns", better: .lower, count: 36000))
    #expect(transcript.outcomes["fork_exit"] == .unsupported("fork: ENOSYS"))
    #expect(transcript.outcomes["pipe_bandwidth"] == .failed("wrong data at stream offset 0"))
    #expect(transcript.outcomes["boot_to_init"] == .skipped("not running as init"))
    #expect(transcript.outcomes["broken"] == nil)
    #expect(transcript.interrupted == nil)
}

@Test func namesTheBenchmarkAGuestDiedIn() {
    let transcript = BenchTranscript(console: "BENCH_BEGIN a\nBENCH a 1 ns lower n=1\nBENCH_BEGIN b\npanic\n")
    #expect(!transcript.isComplete)
    #expect(transcript.interrupted == "b")
}

@Test func summarizesRunsAsMedianWithRange() {
    let measured = { (value: Double) in BenchOutcome.measured(BenchMeasurement(value: value, unit: "ns", better: .lower, count: 1)) }
    let side = BenchSide.summarize([measured(3), measured(1), measured(2)])
    #expect(side.status == "ok" && side.value == 2 && side.min == 1 && side.max == 3)
    #expect(BenchSide.summarize([measured(1), measured(4)]).value == 2.5)
    let unsupported = BenchSide.summarize([.unsupported("pipe: ENOSYS")])
    #expect(unsupported.status == "unsupported" && unsupported.value == nil && unsupported.summary == "not supported on Apus yet")
    #expect(BenchSide.summarize([measured(1), .failed("timed out")]).status == "failed")
}

@Test func ratiosAndTargetsFollowTheDirection() {
    let latency = BenchDescription(name: "null_syscall", family: "syscall", unit: "ns", better: .lower)
    let bandwidth = BenchDescription(name: "pipe_bandwidth", family: "pipe", unit: "MB/s", better: .higher)
    func side(_ value: Double) -> BenchSide { BenchSide.summarize([.measured(BenchMeasurement(value: value, unit: "", better: .lower, count: 1))]) }
    let fast = BenchEntry(description: latency, mode: .icount, apus: side(70), linux: side(100), repeatsExactly: true)
    #expect(fast.ratio == 0.7 && fast.meetsTarget == true)
    let slow = BenchEntry(description: bandwidth, mode: .icount, apus: side(110), linux: side(100), repeatsExactly: true)
    #expect(slow.meetsTarget == false && slow.target == 1.25)
    let missing = BenchEntry(description: bandwidth, mode: .icount, apus: .summarize([.unsupported("x")]), linux: side(100), repeatsExactly: nil)
    #expect(missing.ratio == nil && missing.meetsTarget == nil)
    #expect(latency.isSelected(by: ["syscall"]) && latency.isSelected(by: []) && !latency.isSelected(by: ["pipe"]))
}

@Test func tableAndChartShowEveryBenchmark() throws {
    let latency = BenchDescription(name: "null_syscall", family: "syscall", unit: "ns", better: .lower)
    let pipe = BenchDescription(name: "pipe_latency", family: "pipe", unit: "ns", better: .lower)
    let runs: [BenchKernel: [[String: BenchOutcome]]] = [
        .apus: [["null_syscall": .measured(BenchMeasurement(value: 50, unit: "ns", better: .lower, count: 1)), "pipe_latency": .unsupported("pipe: ENOSYS")]],
        .linux: [["null_syscall": .measured(BenchMeasurement(value: 100, unit: "ns", better: .lower, count: 1)), "pipe_latency": .measured(BenchMeasurement(value: 9, unit: "ns", better: .lower, count: 1))]],
    ]
    let entries = BenchRunner.entries([latency, pipe], mode: .icount, runs: runs)
    let report = BenchReport(date: "2026-01-01", qemuVersion: "QEMU 7.2", linuxKernel: "6.1.0-56-amd64", apusRevision: "abc",
                             quick: false, wallRuns: 3, icountRuns: 1, durationSeconds: 1, entries: entries)
    let markdown = BenchMarkdown.render(report)
    #expect(markdown.contains("| null_syscall | ns | lower | 50.0 | 100 | 0.5 | ≤ 0.8 met |"))
    #expect(markdown.contains("| pipe_latency | ns | lower | not supported on Apus yet | 9.00 | – |"))
    let svg = BenchChart.render(report)
    #expect(svg.hasPrefix("<svg") && svg.contains("null_syscall") && svg.contains("not supported on Apus yet"))
    let decoded = try JSONDecoder().decode(BenchReport.self, from: try report.json())
    #expect(decoded.entries.count == 2 && decoded.entries[0].ratio == 0.5)
}

@Test func forkIsShownAgainstItsCopyReferenceOnEachKernel() {
    let fork = BenchDescription(name: "fork_100m", family: "cow", unit: "us", better: .lower)
    let copy = BenchDescription(name: "memcpy_100m", family: "cow", unit: "us", better: .lower)
    func measured(_ value: Double) -> BenchOutcome { .measured(BenchMeasurement(value: value, unit: "us", better: .lower, count: 1)) }
    let runs: [BenchKernel: [[String: BenchOutcome]]] = [
        .apus: [["fork_100m": measured(500), "memcpy_100m": measured(10000)]],
        .linux: [["fork_100m": measured(2000), "memcpy_100m": .failed("panic")]],
    ]
    let report = BenchReport(date: "2026-01-01", qemuVersion: "QEMU 7.2", linuxKernel: "6.1", apusRevision: "abc", quick: false, wallRuns: 1,
                             icountRuns: 1, durationSeconds: 1, entries: BenchRunner.entries([fork, copy], mode: .icount, runs: runs))
    let markdown = BenchMarkdown.render(report)
    #expect(markdown.contains("## Copy-on-write fork (issue 4): fork_100m / memcpy_100m"))
    #expect(markdown.contains("| icount | us | 500 | 10000 | 0.05 | 2000 | failed | – |"))
    let withoutReference = BenchReport(date: "", qemuVersion: "", linuxKernel: "", apusRevision: "", quick: false, wallRuns: 1, icountRuns: 1,
                                       durationSeconds: 1, entries: BenchRunner.entries([fork], mode: .icount, runs: runs))
    #expect(!BenchMarkdown.render(withoutReference).contains("Copy-on-write"))
}

@Test func logAxisCoversTheRatiosInWholeDecades() {
    let axis = LogAxis(ratios: [0.004, 3], left: 0, right: 400)
    #expect(axis.lowExponent == -3 && axis.highExponent == 1)
    #expect(axis.x(1) == 300 && axis.x(10) == 400 && axis.x(0.001) == 0)
    #expect(axis.ticks.contains(1) && axis.ticks.contains(0.5) && axis.ticks.last == 10)
}

@Test func stopsOnlyAtAWholeKnownLine() {
    let console = "BENCH_BEGIN pipe_latency_x\r\nBENCH_BEGIN ctx_switch\r\n"
    #expect(WatchedCapture.containsLine(console, ["BENCH_BEGIN ctx_switch"]))
    #expect(!WatchedCapture.containsLine(console, ["BENCH_BEGIN pipe_latency"]))
}

@Test func readsApacheBenchReports() {
    let report = """
        Server Software:        
        Document Path:          /index.html
        Document Length:        1024 bytes
        Concurrency Level:      50
        Time taken for tests:   4.000 seconds
        Complete requests:      200
        Failed requests:        0
        Total transferred:      226000 bytes
        Requests per second:    50.00 [#/sec] (mean)
        """
    #expect(BenchHTTP.outcome(abOutput: report, status: 0, requests: 200)
        == .measured(BenchMeasurement(value: 50, unit: "req/s", better: .higher, count: 200)))
    let fewErrors = report.replacingOccurrences(of: "Failed requests:        0",
                                                with: "Failed requests:        3\n   (Connect: 0, Receive: 0, Length: 3, Exceptions: 0)")
    #expect(BenchHTTP.outcome(abOutput: fewErrors, status: 0, requests: 200).measurement?.value == 50, "3 in 200 are tolerated")
    let manyErrors = report.replacingOccurrences(of: "Failed requests:        0",
                                                 with: "Failed requests:        30\n   (Connect: 0, Receive: 30, Length: 0, Exceptions: 0)")
    #expect(BenchHTTP.outcome(abOutput: manyErrors, status: 0, requests: 200)
        == .failed("30 of 200 requests failed (Connect: 0, Receive: 30, Length: 0, Exceptions: 0)"))
    #expect(BenchHTTP.outcome(abOutput: report + "\nNon-2xx responses:      200", status: 0, requests: 200)
        == .failed("200 of 200 responses were not 2xx"))
    #expect(BenchHTTP.outcome(abOutput: fewErrors + "\nNon-2xx responses:      3", status: 0, requests: 200).measurement != nil,
            "responses cut short count as Length failures and as non-2xx: a few are tolerated")
    #expect(BenchHTTP.outcome(abOutput: report, status: 0, requests: 300) == .failed("ab completed 200 requests of 300"))
    #expect(BenchHTTP.outcome(abOutput: "apr_socket_recv: Connection reset by peer (104)", status: 1, requests: 200)
        == .failed("ab exited with status 1: apr_socket_recv: Connection reset by peer (104)"))
    #expect(BenchHTTP.descriptions.map(\.name) == ["httpd_requests_c1", "httpd_requests_c50"])
    #expect(BenchHTTP.descriptions.allSatisfy { $0.better == .higher && $0.targetRatio == 1.25 })
}
