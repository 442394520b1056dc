// What the instruction-counting plugin (Tests/Bench/profile/insn-profile.c) wrote for one
// profiling window, and its attribution to functions: self instructions per function (exact: every
// executed instruction is counted at its address), calls per function (executions of its first
// instruction), and inclusive instructions per callee and per call site (the plugin's shadow call
// stack; a recursive callee counts its outermost calls only). Everything is divided by the
// operations the window ran (apus-bench's BENCH_PROFILE line), so the numbers read "per call".
// Pure: parsed from text, unit-tested.

import Foundation

public struct ProfileWindow: Sendable, Equatable {
    public var total: UInt64 = 0
    /// Instruction address -> executions in the window.
    public var instructions: [UInt64: UInt64] = [:]
    public var sites: [ProfileSite] = []

    /// The plugin's output file: one window per `window ... end` block, in order.
    public static func parse(_ text: String) -> [ProfileWindow] {
        var windows: [ProfileWindow] = []
        var current: ProfileWindow?
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let kind = fields.first else { continue }
            switch kind {
            case "window":
                current = ProfileWindow()
                if fields.count == 4, let total = UInt64(fields[3]) { current?.total = total }
            case "i" where fields.count == 3:
                if let address = UInt64(fields[1], radix: 16), let count = UInt64(fields[2]) { current?.instructions[address, default: 0] += count }
            case "s" where fields.count == 6:
                if let site = UInt64(fields[1], radix: 16), let callee = UInt64(fields[2], radix: 16), let calls = UInt64(fields[3]),
                   let inclusive = UInt64(fields[4]), let outermost = UInt64(fields[5]) {
                    current?.sites.append(ProfileSite(site: site, callee: callee, calls: calls, inclusive: inclusive, outermost: outermost))
                }
            case "end":
                if let window = current { windows.append(window) }
                current = nil
            default: continue
            }
        }
        return windows
    }
}

public struct ProfileSite: Sendable, Equatable {
    public var site: UInt64
    /// The entry address of the function the call reached (0: not a known function entry).
    public var callee: UInt64
    public var calls: UInt64
    /// Instructions from the call to the matching return, callee and everything it called included.
    public var inclusive: UInt64
    /// The same, counting only calls that were not already inside the callee (recursion).
    public var outermost: UInt64
}

/// Function symbols of one image, sorted: which function holds an address.
public struct ProfileSymbols: Sendable {
    public struct Function: Sendable, Equatable {
        public let start: UInt64
        public let name: String
    }

    public let functions: [Function]

    public init(_ functions: [Function]) {
        self.functions = functions.sorted { $0.start < $1.start }
    }

    /// `nm -n` or System.map text ("address type name"): text symbols at or above `lowest`.
    public static func parseSymbolList(_ text: String, lowest: UInt64) -> [Function] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, "tTwW".contains(fields[1]), let address = UInt64(fields[0], radix: 16), address >= lowest else { return nil }
            return Function(start: address, name: String(fields[2]))
        }
    }

    /// The function whose start is the last one at or below `address`.
    public func function(containing address: UInt64) -> Function? {
        var low = 0, high = functions.count
        while low < high {
            let middle = (low + high) / 2
            if functions[middle].start <= address { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : functions[low - 1]
    }

    /// Where the function starting at `start` ends: the next function's start.
    public func end(ofFunctionAt start: UInt64) -> UInt64? {
        functions.first { $0.start > start }?.start
    }

    public func name(at entry: UInt64) -> String? {
        guard let function = function(containing: entry), function.start == entry else { return nil }
        return function.name
    }
}

/// One window attributed to functions, per operation.
public struct ProfileBreakdown: Sendable {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var start: UInt64
        public var selfPerOp: Double
        public var callsPerOp: Double
        public var inclusivePerOp: Double?
    }

    /// Calls from one function to another, summed over its call sites.
    public struct CallSite: Sendable, Equatable {
        /// The call site that cost most (the one whose source frames the report shows).
        public var site: UInt64
        public var siteCount: Int
        public var caller: String
        public var callee: String
        public var callsPerOp: Double
        public var inclusivePerOp: Double
    }

    public let operations: Double
    public let totalPerOp: Double
    public let kernelPerOp: Double
    public let userPerOp: Double
    /// Kernel functions by self instructions, most first.
    public let rows: [Row]
    /// Kernel call sites by inclusive instructions, most first.
    public let callSites: [CallSite]

    public init(window: ProfileWindow, operations: Double, symbols: ProfileSymbols, kernelStart: UInt64) {
        let ops = max(operations, 1)
        self.operations = ops
        var kernel: UInt64 = 0, user: UInt64 = 0
        var selfCounts: [UInt64: UInt64] = [:]
        var names: [UInt64: String] = [:]
        for (address, count) in window.instructions {
            guard address >= kernelStart else { user += count; continue }
            kernel += count
            let function = symbols.function(containing: address)
            let start = function?.start ?? 0
            selfCounts[start, default: 0] += count
            names[start] = function?.name ?? "(unknown)"
        }
        totalPerOp = Double(window.total) / ops
        kernelPerOp = Double(kernel) / ops
        userPerOp = Double(user) / ops
        var inclusive: [UInt64: UInt64] = [:]
        for site in window.sites where site.callee != 0 { inclusive[site.callee, default: 0] += site.outermost }
        rows = selfCounts.map { start, count in
            Row(name: names[start] ?? "(unknown)", start: start, selfPerOp: Double(count) / ops,
                callsPerOp: Double(window.instructions[start] ?? 0) / ops, inclusivePerOp: inclusive[start].map { Double($0) / ops })
        }.sorted { ($0.selfPerOp, $1.start) > ($1.selfPerOp, $0.start) }
        struct Pair: Hashable { let caller: UInt64; let callee: UInt64 }
        var pairs: [Pair: (sites: [UInt64: UInt64], calls: UInt64, inclusive: UInt64)] = [:]
        for site in window.sites {
            let pair = Pair(caller: symbols.function(containing: site.site)?.start ?? 0, callee: site.callee)
            pairs[pair, default: ([:], 0, 0)].sites[site.site, default: 0] += site.inclusive
            pairs[pair]?.calls += site.calls
            pairs[pair]?.inclusive += site.inclusive
        }
        callSites = pairs.map { pair, sum in
            let costliest = sum.sites.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? 0
            return CallSite(site: costliest, siteCount: sum.sites.count, caller: symbols.function(containing: costliest)?.name ?? "(unknown)",
                            callee: pair.callee == 0 ? "(not a known entry)" : symbols.name(at: pair.callee) ?? String(pair.callee, radix: 16),
                            callsPerOp: Double(sum.calls) / ops, inclusivePerOp: Double(sum.inclusive) / ops)
        }.sorted { ($0.inclusivePerOp, $1.site) > ($1.inclusivePerOp, $0.site) }
    }

    /// Calls per operation to functions whose name contains one of `fragments` (retain/release,
    /// allocation, locks), summed per fragment.
    public func callsPerOp(matching fragments: [String]) -> [(fragment: String, calls: Double, instructions: Double)] {
        fragments.map { fragment in
            let matching = rows.filter { $0.name.contains(fragment) }
            return (fragment, matching.reduce(0) { $0 + $1.callsPerOp }, matching.reduce(0) { $0 + $1.selfPerOp })
        }
    }
}

