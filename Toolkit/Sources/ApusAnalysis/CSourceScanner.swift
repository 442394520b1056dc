// A small lexer for the privileged module's C headers and assembly files.
//
// It is not a C parser: it separates comments, string literals and code so that line counts and
// `SAFETY:` lookups are exact, and it tokenizes enough C to find inline assembly statements, the
// top-level declaration each sits in, and the type names a header declares (`struct X`, `union X`,
// `enum X`, `typedef ... X;`, `typedef ... (*X)(...);`).
//
// Assembly files (`.S`) go through the C preprocessor, so `/* */` and `//` are comments there too;
// in addition `#` starts a GNU as comment unless it begins a preprocessor directive.
public enum CSourceDialect: Sendable {
    case c
    case assembly
}

struct CToken: Equatable {
    enum Kind: Equatable { case identifier, number, literal, punctuation }
    let kind: Kind
    let text: String
    let line: Int
    let column: Int
    /// Whether the token is part of a preprocessor directive (`#define`, `#include`, ...).
    let isInDirective: Bool
}

/// An inline assembly statement in a C file.
public struct InlineAssemblySite: Sendable, Equatable {
    public let line: Int
    public let column: Int
    /// Start line of the top-level declaration (function or macro) that contains it.
    public let declarationLine: Int
    public let isJustified: Bool
}

public struct CSourceScan: Sendable {
    public let lines: SourceLineTable
    let tokens: [CToken]

    public init(text: String, dialect: CSourceDialect) {
        var lexer = CLexer(bytes: Array(text.utf8), dialect: dialect)
        lexer.run()
        lines = lexer.table
        tokens = lexer.tokens
    }

    static let inlineAssemblyKeywords: Set<String> = ["__asm__", "__asm", "asm"]

    /// Every `__asm__`/`asm` statement, with the declaration it belongs to.
    public var inlineAssemblySites: [InlineAssemblySite] {
        var sites: [InlineAssemblySite] = []
        var braceDepth = 0
        var declarationLine: Int?
        var directiveLine: Int?
        for token in tokens {
            if token.isInDirective {
                if token.text == "#" { directiveLine = token.line }
            } else {
                directiveLine = nil
                if braceDepth == 0, declarationLine == nil, token.text != ";" { declarationLine = token.line }
            }
            if token.kind == .identifier, Self.inlineAssemblyKeywords.contains(token.text) {
                let anchor = (token.isInDirective ? directiveLine : declarationLine) ?? token.line
                sites.append(InlineAssemblySite(
                    line: token.line, column: token.column, declarationLine: anchor,
                    isJustified: lines.isJustified(siteLine: token.line, anchorLines: [anchor])))
            }
            guard !token.isInDirective, token.kind == .punctuation else { continue }
            switch token.text {
            case "{": braceDepth += 1
            case "}":
                braceDepth = max(0, braceDepth - 1)
                if braceDepth == 0 { declarationLine = nil }
            case ";" where braceDepth == 0: declarationLine = nil
            default: break
            }
        }
        return sites
    }

    /// Type names the header declares, as Swift sees them when it imports the header.
    public var declaredTypeNames: Set<String> {
        var names: Set<String> = []
        let code = tokens.filter { !$0.isInDirective }
        var index = 0
        while index < code.count {
            let token = code[index]
            if ["struct", "union", "enum"].contains(token.text), index + 1 < code.count,
               code[index + 1].kind == .identifier {
                names.insert(code[index + 1].text)
            }
            if token.text == "typedef", let name = Self.typedefName(in: code, from: index + 1) {
                names.insert(name)
            }
            index += 1
        }
        return names
    }

    /// The name a `typedef` introduces: the `(*Name)` of a function-pointer typedef, otherwise the
    /// last identifier outside braces, brackets and parentheses before the closing `;`.
    private static func typedefName(in tokens: [CToken], from start: Int) -> String? {
        var depth = 0
        var lastIdentifier: String?
        var index = start
        while index < tokens.count {
            let token = tokens[index]
            switch token.text {
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case "(" where depth == 0:
                if index + 2 < tokens.count, tokens[index + 1].text == "*", tokens[index + 2].kind == .identifier {
                    return tokens[index + 2].text
                }
                depth += 1
            case "(": depth += 1
            case ")": depth -= 1
            case ";" where depth <= 0: return lastIdentifier
            default:
                if depth == 0, token.kind == .identifier { lastIdentifier = token.text }
            }
            index += 1
        }
        return lastIdentifier
    }
}

private struct CLexer {
    let bytes: [UInt8]
    let dialect: CSourceDialect
    let lineIndex: LineIndex
    var table: SourceLineTable
    var tokens: [CToken] = []
    private var offset = 0
    private var isInDirective = false

    init(bytes: [UInt8], dialect: CSourceDialect) {
        self.bytes = bytes
        self.dialect = dialect
        lineIndex = LineIndex(utf8: bytes)
        table = SourceLineTable(lineCount: lineIndex.lineCount)
    }

    private static let directiveWords: Set<String> = [
        "include", "define", "undef", "if", "ifdef", "ifndef", "elif", "else", "endif",
        "error", "warning", "pragma", "line",
    ]

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a)
    }
    private func isAtLineStart(_ index: Int) -> Bool {
        var cursor = index - 1
        while cursor >= 0, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor -= 1 }
        return cursor < 0 || bytes[cursor] == UInt8(ascii: "\n")
    }
    private func word(at index: Int) -> String {
        var cursor = index
        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        var end = cursor
        while end < bytes.count, isIdentifierByte(bytes[end]) { end += 1 }
        return String(decoding: bytes[cursor..<end], as: UTF8.self)
    }

    private mutating func comment(from start: Int, to end: Int) {
        table.markComment(startingAt: lineIndex.line(ofOffset: start),
                          text: Substring(String(decoding: bytes[start..<end], as: UTF8.self)))
        offset = end
    }

    private mutating func token(_ kind: CToken.Kind, from start: Int, to end: Int) {
        let line = lineIndex.line(ofOffset: start)
        table.markCode(from: line, through: lineIndex.line(ofOffset: max(start, end - 1)))
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        tokens.append(CToken(kind: kind, text: text, line: line, column: lineIndex.column(ofOffset: start),
                             isInDirective: isInDirective))
        offset = end
    }

    private func end(ofQuoted quote: UInt8, from start: Int) -> Int {
        var cursor = start + 1
        while cursor < bytes.count, bytes[cursor] != quote, bytes[cursor] != UInt8(ascii: "\n") {
            cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
        }
        return min(cursor + 1, bytes.count)
    }

    private func endOfLine(from start: Int) -> Int {
        var cursor = start
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\n") { cursor += 1 }
        return cursor
    }

    mutating func run() {
        while offset < bytes.count {
            let current = bytes[offset], next = byte(at: offset + 1)
            switch current {
            case UInt8(ascii: "\n"):
                if !(offset > 0 && bytes[offset - 1] == UInt8(ascii: "\\")) { isInDirective = false }
                offset += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\\"), 0x0c:
                offset += 1
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                var cursor = offset + 2
                while cursor + 1 < bytes.count, !(bytes[cursor] == UInt8(ascii: "*") && bytes[cursor + 1] == UInt8(ascii: "/")) {
                    cursor += 1
                }
                comment(from: offset, to: min(cursor + 2, bytes.count))
            case UInt8(ascii: "/") where next == UInt8(ascii: "/"):
                comment(from: offset, to: endOfLine(from: offset))
            case UInt8(ascii: "#") where !isInDirective:
                let startsDirective = isAtLineStart(offset) && Self.directiveWords.contains(word(at: offset + 1))
                if dialect == .assembly && !startsDirective {
                    comment(from: offset, to: endOfLine(from: offset))
                } else {
                    isInDirective = isInDirective || isAtLineStart(offset)
                    token(.punctuation, from: offset, to: offset + 1)
                }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                token(.literal, from: offset, to: end(ofQuoted: current, from: offset))
            default:
                if isIdentifierByte(current) {
                    var end = offset + 1
                    while end < bytes.count, isIdentifierByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") && current.isDigit {
                        end += 1
                    }
                    token(current.isDigit ? .number : .identifier, from: offset, to: end)
                } else {
                    token(.punctuation, from: offset, to: offset + 1)
                }
            }
        }
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}
