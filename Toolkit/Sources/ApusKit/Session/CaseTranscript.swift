// Reading what Tests/Shell/run-cases.sh printed: per case, its stdout (ending "[exit N]") and
// the head of its stderr, between `@@case begin|stderr|end NAME` marker lines; which case began
// and never ended (the guest crashed or hung there); whether the runner reached `@@case done`.
// Also how two outputs differ, told briefly enough for a test log. Pure logic, host-tested.

public struct CaseTranscript: Sendable {
    public struct Output: Equatable, Sendable {
        public var stdout: String
        public var stderr: String
    }

    /// Finished cases in the order they ran.
    public private(set) var finished: [(name: String, output: Output)] = []
    /// A case that began and did not end, with what it printed so far.
    public private(set) var unfinished: (name: String, partial: String)?
    public private(set) var isDone = false

    public init(parsing text: String) {
        enum Part { case none, stdout, stderr }
        var part = Part.none
        var name = ""
        var stdout: [Substring] = []
        var stderr: [Substring] = []
        // Split on "\r\n" too: Swift counts it as one Character, so splitting on "\n" alone would
        // glue a console line ending in CRLF (the kernel banner) to the marker line after it.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            // Markers are matched leniently (a console may add \r); case output is kept exact.
            let marker = line.hasSuffix("\r") ? line.dropLast() : line
            if let rest = Self.marker(marker, "begin") {
                if part != .none { unfinished = (name, stdout.joined(separator: "\n")) }
                (part, name, stdout, stderr) = (.stdout, String(rest), [], [])
            } else if part == .stdout, Self.marker(marker, "stderr").map(String.init) == name {
                part = .stderr
            } else if part == .stderr, Self.marker(marker, "end").map(String.init) == name {
                let errors = stderr.joined(separator: "\n").trimmingTrailingNewlines()
                finished.append((name, Output(stdout: stdout.map { $0 + "\n" }.joined(), stderr: errors)))
                part = .none
            } else if part == .none, marker == "@@case done" {
                isDone = true
            } else if part == .stdout {
                stdout.append(line)
            } else if part == .stderr {
                stderr.append(line)
            }
        }
        if part != .none { unfinished = (name, stdout.joined(separator: "\n")) }
        if unfinished != nil { isDone = false }
    }

    static func marker(_ line: Substring, _ kind: String) -> Substring? {
        let prefix = "@@case \(kind) "
        return line.hasPrefix(prefix) ? line.dropFirst(prefix.count) : nil
    }

    /// Where two texts first differ, as a few `-expected` / `+actual` lines (nil if equal).
    public static func difference(expected: String, actual: String, context: Int = 3) -> String? {
        guard expected != actual else { return nil }
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var first = 0
        while first < old.count && first < new.count && old[first] == new[first] { first += 1 }
        var lines = ["first difference at line \(first + 1):"]
        lines += old[first..<min(old.count, first + context)].map { "-" + $0 }
        lines += new[first..<min(new.count, first + context)].map { "+" + $0 }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text = text.dropLast() }
        return String(text)
    }
}
