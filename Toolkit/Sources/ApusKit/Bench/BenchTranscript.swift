// Reading a benchmark guest's console: apus-bench (Tests/Bench) prints one machine-readable line
// per event (`BENCH_BEGIN name`, `BENCH name value unit lower|higher n=N`, `BENCH_UNSUPPORTED`,
// `BENCH_ERROR`, `BENCH_SKIP`, `BENCH_DONE`); everything else on the console (kernel messages,
// carriage returns from the serial line) is ignored. Pure: no I/O, unit-tested.

import Foundation

/// Which direction is good for a benchmark's value.
public enum BenchBetter: String, Codable, Sendable {
    case lower, higher
}

public struct BenchMeasurement: Codable, Sendable, Equatable {
    public let value: Double
    public let unit: String
    public let better: BenchBetter
    /// How many operations (or bytes) the value averages over.
    public let count: Double
}

/// What one benchmark produced in one guest run.
public enum BenchOutcome: Sendable, Equatable {
    case measured(BenchMeasurement)
    /// A system call it needs returned ENOSYS.
    case unsupported(String)
    /// It ran and failed (a sanity check, an unexpected errno), or the guest died during it.
    case failed(String)
    /// Not applicable in this environment (boot time when not running as init).
    case skipped(String)

    public var measurement: BenchMeasurement? {
        if case .measured(let measurement) = self { return measurement }
        return nil
    }
}

public struct BenchTranscript: Sendable {
    /// Benchmarks in the order they began.
    public private(set) var begun: [String] = []
    public private(set) var outcomes: [String: BenchOutcome] = [:]
    /// The guest printed BENCH_DONE: it went through its whole list.
    public private(set) var isComplete = false
    /// Why the guest stopped, for the benchmark it died in (set by whoever ran it).
    public var stopReason = "the guest stopped"
    /// The guest was stopped for staying silent (hung), not by its own exit.
    public var hasTimedOut = false

    public init(console: String) {
        for rawLine in console.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            guard line.hasPrefix("BENCH") else { continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let tag = words.first else { continue }
            let name = words.count > 1 ? words[1] : ""
            let rest = words.dropFirst(2).joined(separator: " ")
            switch tag {
            case "BENCH_BEGIN" where !name.isEmpty: begun.append(name)
            case "BENCH_UNSUPPORTED" where !name.isEmpty: outcomes[name] = .unsupported(rest)
            case "BENCH_ERROR" where !name.isEmpty: outcomes[name] = .failed(rest)
            case "BENCH_SKIP" where !name.isEmpty: outcomes[name] = .skipped(rest)
            case "BENCH_DONE": isComplete = true
            case "BENCH": if let measurement = Self.measurement(words) { outcomes[name] = .measured(measurement) }
            default: continue
            }
        }
    }

    /// `BENCH name value unit lower|higher n=N`
    static func measurement(_ words: [String]) -> BenchMeasurement? {
        guard words.count >= 5, let value = Double(words[2]), value.isFinite,
              let better = BenchBetter(rawValue: words[4]) else { return nil }
        let count = words.count > 5 && words[5].hasPrefix("n=") ? Double(words[5].dropFirst(2)) ?? 0 : 0
        return BenchMeasurement(value: value, unit: words[3], better: better, count: count)
    }

    /// The benchmark that began but reported nothing: the one the guest died in.
    public var interrupted: String? {
        begun.last.flatMap { outcomes[$0] == nil ? $0 : nil }
    }
}

/// A benchmark as the program describes it (`apus-bench --list`).
public struct BenchDescription: Codable, Sendable, Equatable {
    public let name: String
    public let family: String
    public let unit: String
    public let better: BenchBetter

    /// The brief's goal for the Apus/Linux ratio: latencies at most 0.8, bandwidths at least 1.25,
    /// boot (the "boot" family) at most 0.1.
    public var targetRatio: Double { family == "boot" ? 0.1 : better == .lower ? 0.8 : 1.25 }

    public func meetsTarget(_ ratio: Double) -> Bool { better == .lower ? ratio <= targetRatio : ratio >= targetRatio }

    /// Matches a `--only` word: the benchmark's name or its family's.
    public func isSelected(by words: [String]) -> Bool { words.isEmpty || words.contains(name) || words.contains(family) }
}
