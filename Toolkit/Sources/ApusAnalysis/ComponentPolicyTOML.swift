// The small subset of TOML that `Components.toml` uses, parsed here so the toolkit needs no extra
// package for it: `[dotted.table]` headers, `key = value` lines whose value is a basic ("...") or
// literal ('...') string, a boolean, an integer or an array of those (arrays may span lines and end
// with a comma), and `#` comments. Anything else (inline tables, dotted keys, multi-line strings,
// arrays of tables, dates) is rejected with its line number rather than half-understood.
//
// Tables keep their order of appearance and each entry its line, so diagnostics can point into the
// file. A table or a key defined twice is an error, as in TOML.

public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case array([TOMLValue])

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The strings of an array of strings; nil for anything else.
    public var stringArray: [String]? {
        guard case .array(let items) = self else { return nil }
        let strings = items.compactMap(\.stringValue)
        return strings.count == items.count ? strings : nil
    }
}

public struct TOMLEntry: Sendable, Equatable {
    public let key: String
    public let value: TOMLValue
    public let line: Int
}

public struct TOMLTable: Sendable, Equatable {
    /// The header's dotted path, e.g. ["components", "Memory"]; empty for the root table.
    public let path: [String]
    public let line: Int
    public var entries: [TOMLEntry]

    public subscript(key: String) -> TOMLEntry? { entries.first { $0.key == key } }
}

public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
}

public struct TOMLDocument: Sendable, Equatable {
    /// The root table first (possibly empty), then every `[header]` table in file order.
    public let tables: [TOMLTable]

    public init(parsing text: String) throws(TOMLError) {
        var parser = TOMLParser(text: text)
        tables = try parser.parseDocument()
    }

    /// Tables whose header starts with `prefix` and has exactly one more component.
    public func tables(under prefix: String) -> [TOMLTable] {
        tables.filter { $0.path.count == 2 && $0.path[0] == prefix }
    }
}

private struct TOMLParser {
    let characters: [Character]
    var index = 0
    var line = 1

    init(text: String) { characters = Array(text) }

    var current: Character? { index < characters.count ? characters[index] : nil }

    mutating func advance() {
        if current == "\n" { line += 1 }
        index += 1
    }

    func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    mutating func parseDocument() throws(TOMLError) -> [TOMLTable] {
        var tables = [TOMLTable(path: [], line: 1, entries: [])]
        var seenPaths: Set<[String]> = [[]]
        while true {
            skipBlankAndComments(crossingLines: true)
            guard let character = current else { break }
            if character == "[" {
                let headerLine = line
                advance()
                if current == "[" { throw fail("arrays of tables ([[...]]) are not supported") }
                var path: [String] = []
                repeat {
                    skipSpaces()
                    path.append(try parseKey())
                    skipSpaces()
                    if current == "." { advance(); continue }
                    break
                } while true
                guard current == "]" else { throw fail("expected ']' to close the table header") }
                advance()
                try expectEndOfLine()
                guard seenPaths.insert(path).inserted else {
                    throw TOMLError(line: headerLine, message: "table [\(path.joined(separator: "."))] is defined twice")
                }
                tables.append(TOMLTable(path: path, line: headerLine, entries: []))
                continue
            }
            let entryLine = line
            let key = try parseKey()
            skipSpaces()
            if current == "." { throw fail("dotted keys are not supported; use a [table] header") }
            guard current == "=" else { throw fail("expected '=' after key '\(key)'") }
            advance()
            skipSpaces()
            let value = try parseValue()
            try expectEndOfLine()
            if tables[tables.count - 1][key] != nil {
                throw TOMLError(line: entryLine, message: "key '\(key)' is defined twice in this table")
            }
            tables[tables.count - 1].entries.append(TOMLEntry(key: key, value: value, line: entryLine))
        }
        return tables
    }

    mutating func skipSpaces() {
        while current == " " || current == "\t" { advance() }
    }

    /// Skips spaces and comments; with `crossingLines`, also line ends.
    mutating func skipBlankAndComments(crossingLines: Bool) {
        while let character = current {
            if character == " " || character == "\t" || character == "\r" || (crossingLines && character == "\n") {
                advance()
            } else if character == "#" {
                while let next = current, next != "\n" { advance() }
            } else {
                return
            }
        }
    }

    mutating func expectEndOfLine() throws(TOMLError) {
        skipBlankAndComments(crossingLines: false)
        if let character = current, character != "\n" { throw fail("unexpected '\(character)' after the value") }
    }

    mutating func parseKey() throws(TOMLError) -> String {
        if current == "\"" || current == "'" { return try parseString() }
        var key = ""
        while let character = current, character.isLetter || character.isNumber || character == "_" || character == "-" {
            key.append(character)
            advance()
        }
        guard !key.isEmpty else { throw fail("expected a key") }
        return key
    }

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let character = current else { throw fail("expected a value") }
        switch character {
        case "\"", "'":
            return .string(try parseString())
        case "[":
            advance()
            var items: [TOMLValue] = []
            while true {
                skipBlankAndComments(crossingLines: true)
                if current == "]" { advance(); return .array(items) }
                items.append(try parseValue())
                skipBlankAndComments(crossingLines: true)
                if current == "," { advance(); continue }
                guard current == "]" else { throw fail("expected ',' or ']' in an array") }
            }
        case "{":
            throw fail("inline tables are not supported")
        default:
            var word = ""
            while let next = current, next.isLetter || next.isNumber || next == "_" || next == "-" || next == "+" {
                word.append(next)
                advance()
            }
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            if let number = Int(word.replacingUnderscores) { return .integer(number) }
            throw fail("unsupported value '\(word.isEmpty ? String(character) : word)'")
        }
    }

    mutating func parseString() throws(TOMLError) -> String {
        let quote = current!
        advance()
        if current == quote, index + 1 < characters.count, characters[index + 1] == quote {
            throw fail("multi-line strings are not supported")
        }
        var text = ""
        while let character = current {
            advance()
            if character == quote { return text }
            if character == "\n" { break }
            guard quote == "\"", character == "\\" else {
                text.append(character)
                continue
            }
            guard let escaped = current else { break }
            advance()
            switch escaped {
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            default: throw fail("unsupported escape '\\\(escaped)'")
            }
        }
        throw fail("unterminated string")
    }
}

private extension String {
    var replacingUnderscores: String { filter { $0 != "_" } }
}
