// Which Debian archive this machine's apt uses, read from its sources at run time (the project
// names no archive host): the one-line format of /etc/apt/sources.list and sources.list.d/*.list
// (`deb [options] URI SUITE COMPONENT...`) and the deb822 format of sources.list.d/*.sources
// (stanzas of `Types:`, `URIs:`, `Suites:`, `Enabled:` fields, field names case-insensitive;
// sources.list(5)). Files with other names (such as `*.disabled`) are ignored, as apt does.

import Foundation

public enum AptSources {
    /// One `deb` source: an archive URI and the suites apt fetches from it.
    public struct Entry: Sendable, Equatable {
        public var uri: String
        public var suites: [String]

        public init(uri: String, suites: [String]) {
            self.uri = uri
            self.suites = suites
        }
    }

    /// The binary (`deb`) entries of a one-line sources.list text.
    public static func entries(oneLineFormat text: String) -> [Entry] {
        var entries: [Entry] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.first == "deb" else { continue }
            words.removeFirst()
            // `[option=value ...]` may span several words.
            if words.first?.hasPrefix("[") == true {
                guard let close = words.firstIndex(where: { $0.hasSuffix("]") }) else { continue }
                words.removeSubrange(0...close)
            }
            guard words.count >= 2 else { continue }
            entries.append(Entry(uri: words[0], suites: [words[1]]))
        }
        return entries
    }

    /// The binary (`deb`) entries of a deb822 `.sources` text; stanzas with `Enabled: no` are skipped.
    public static func entries(deb822Format text: String) -> [Entry] {
        var entries: [Entry] = []
        var fields: [String: String] = [:]
        var lastField: String?
        func finishStanza() {
            defer { fields = [:]; lastField = nil }
            let types = (fields["types"] ?? "").split(whereSeparator: \.isWhitespace)
            guard types.contains("deb"), fields["enabled"]?.lowercased() != "no" else { return }
            let suites = (fields["suites"] ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
            for uri in (fields["uris"] ?? "").split(whereSeparator: \.isWhitespace) where !suites.isEmpty {
                entries.append(Entry(uri: String(uri), suites: suites))
            }
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                finishStanza()
                continue
            }
            if line.hasPrefix("#") { continue }
            if line.first == " " || line.first == "\t" {
                // A continuation line belongs to the field before it.
                if let lastField { fields[lastField, default: ""] += " " + line.trimmingCharacters(in: .whitespaces) }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            lastField = name
        }
        finishStanza()
        return entries
    }

    /// The archive to fetch `suite` from: the first entry that lists the suite itself, else the
    /// first one whose suites are plain releases (no `-security`, `-updates` or `-backports`
    /// pocket: those archives do not hold a whole release).
    public static func archive(for suite: String, in entries: [Entry]) -> String? {
        if let exact = entries.first(where: { $0.suites.contains(suite) }) { return exact.uri }
        return entries.first(where: { entry in entry.suites.contains { !$0.contains("-") && !$0.contains("/") } })?.uri
    }

    /// Every `deb` entry of the machine's apt configuration under `directory` (normally /etc/apt).
    public static func machineEntries(aptDirectory directory: URL = URL(fileURLWithPath: "/etc/apt")) -> [Entry] {
        var entries: [Entry] = []
        if let text = try? String(contentsOf: directory.appendingPathComponent("sources.list"), encoding: .utf8) {
            entries += Self.entries(oneLineFormat: text)
        }
        let parts = directory.appendingPathComponent("sources.list.d")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: parts.path)) ?? []).sorted()
        for name in names {
            guard let text = try? String(contentsOf: parts.appendingPathComponent(name), encoding: .utf8) else { continue }
            if name.hasSuffix(".list") { entries += Self.entries(oneLineFormat: text) }
            if name.hasSuffix(".sources") { entries += Self.entries(deb822Format: text) }
        }
        return entries
    }

    /// The archive apt on this machine uses for `suite`, or an error that says where it looked.
    public static func machineArchive(for suite: String) throws -> String {
        guard let uri = archive(for: suite, in: machineEntries()) else {
            throw ToolkitError("no Debian archive for \(suite) in apt's sources (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources)")
        }
        return uri
    }
}
