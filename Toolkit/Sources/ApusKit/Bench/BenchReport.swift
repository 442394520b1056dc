// The results of `apus bench`, as written to bench/results.json: one entry per benchmark and
// clock mode with both kernels' values, the Apus/Linux ratio and the target. Under -icount a
// kernel's value is its one (repeatable) number, and `repeatsExactly` says whether a second run
// gave the same; on the wall clock it is the median of the runs, with min and max. Pure: built
// from the guests' outcomes, unit-tested.

import Foundation

/// One kernel's result for one benchmark in one mode.
public struct BenchSide: Codable, Sendable, Equatable {
    /// ok, unsupported (ENOSYS), failed, skipped.
    public var status: String
    public var detail: String?
    /// The value (icount) or the median of the runs (wall).
    public var value: Double?
    public var runs: [Double]
    public var min: Double?
    public var max: Double?

    public var isMeasured: Bool { status == "ok" && value != nil }

    /// Summarizes one benchmark's outcomes over the runs of a mode.
    public static func summarize(_ outcomes: [BenchOutcome]) -> BenchSide {
        let values = outcomes.compactMap(\.measurement?.value)
        let firstProblem = outcomes.first { $0.measurement == nil }
        var side = BenchSide(status: "ok", detail: nil, value: nil, runs: values, min: values.min(), max: values.max())
        switch firstProblem {
        case nil:
            side.value = median(values)
            if values.isEmpty { side.status = "failed"; side.detail = "not run" }
        case .unsupported(let why): side.status = "unsupported"; side.detail = why
        case .failed(let why): side.status = "failed"; side.detail = why
        case .skipped(let why): side.status = "skipped"; side.detail = why
        case .measured: break
        }
        return side
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Short text for tables: the value, or why there is none.
    public var summary: String {
        if let value, status == "ok" { return BenchFormat.number(value) }
        switch status {
        case "unsupported": return "not supported on Apus yet"
        case "skipped": return "skipped"
        default: return "failed"
        }
    }
}

public struct BenchEntry: Codable, Sendable {
    public let name: String
    public let family: String
    public let mode: BenchClock
    public let unit: String
    public let better: BenchBetter
    public let apus: Double?
    public let linux: Double?
    /// Apus / Linux.
    public let ratio: Double?
    public let target: Double
    public let meetsTarget: Bool?
    public let apusResult: BenchSide
    public let linuxResult: BenchSide
    /// icount with two runs: both kernels gave the same numbers both times.
    public let repeatsExactly: Bool?

    public init(description: BenchDescription, mode: BenchClock, apus: BenchSide, linux: BenchSide, repeatsExactly: Bool?) {
        name = description.name
        family = description.family
        self.mode = mode
        unit = description.unit
        better = description.better
        self.apus = apus.isMeasured ? apus.value : nil
        self.linux = linux.isMeasured ? linux.value : nil
        if let a = self.apus, let l = self.linux, l > 0, a > 0 { ratio = a / l } else { ratio = nil }
        target = description.targetRatio
        meetsTarget = ratio.map(description.meetsTarget)
        apusResult = apus
        linuxResult = linux
        self.repeatsExactly = repeatsExactly
    }
}

public struct BenchReport: Codable, Sendable {
    public var date: String
    public var qemuVersion: String
    public var linuxKernel: String
    public var apusRevision: String
    public var quick: Bool
    public var wallRuns: Int
    public var icountRuns: Int
    public var durationSeconds: Double
    public var entries: [BenchEntry]

    public func entries(mode: BenchClock) -> [BenchEntry] { entries.filter { $0.mode == mode } }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

enum BenchFormat {
    /// Three significant digits at least, no exponent: 0.00123, 1.23, 123, 12345.
    static func number(_ value: Double) -> String {
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        if value >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3g", value)
    }
}
