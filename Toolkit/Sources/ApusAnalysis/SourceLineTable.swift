// What each line of a source file holds: code, comments, or nothing.
//
// Both the line counts of the TCB report and the `// SAFETY:` justification check are questions
// about lines, whatever the language, so the Swift (SwiftSyntax trivia) and C/assembly (small lexer)
// front ends both fill this one table.
//
// Definitions used everywhere in the reports:
// - a *code line* holds at least one character of a token that is not a comment (a line inside a
//   multi-line string literal is code);
// - a *comment-only line* holds comment text and no code; a *blank line* holds neither;
// - a *safety line* holds a comment whose text contains `SAFETY:` (upper case, with the colon;
//   `SAFETY (note):` also counts).
public struct SourceLineTable: Sendable {
    static let safetyWord = "SAFETY"

    /// After the word `SAFETY`: a colon, optionally preceded by a parenthesized note on the same
    /// line, as in `SAFETY (all six accessors):`.
    static func isSafetyMarker(_ rest: Substring) -> Bool {
        var rest = rest.drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")"), !rest[..<close].contains("\n") else { return false }
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
        }
        return rest.first == ":"
    }

    /// Number of lines in the file (a final newline does not start a new line).
    public let lineCount: Int
    private var codeLines: Set<Int> = []
    private var commentLines: Set<Int> = []
    private var safetyLines: Set<Int> = []

    public init(lineCount: Int) { self.lineCount = lineCount }

    public var codeLineCount: Int { codeLines.count }

    mutating func markCode(from firstLine: Int, through lastLine: Int) {
        for line in firstLine...max(firstLine, lastLine) { codeLines.insert(line) }
    }

    /// Records a comment spanning `firstLine...`, whose text is `text` (markers included).
    mutating func markComment(startingAt firstLine: Int, text: Substring) {
        var line = firstLine
        commentLines.insert(line)
        var remaining = text[...]
        while let marker = remaining.range(of: Self.safetyWord) {
            let startsWord = marker.lowerBound == text.startIndex
                || !text[text.index(before: marker.lowerBound)].isLetter
            if startsWord, Self.isSafetyMarker(text[marker.upperBound...]) {
                let before = text[text.startIndex..<marker.lowerBound]
                safetyLines.insert(firstLine + before.filter { $0 == "\n" }.count)
            }
            remaining = text[marker.upperBound...]
        }
        for character in text where character == "\n" {
            line += 1
            commentLines.insert(line)
        }
    }

    public func isCode(_ line: Int) -> Bool { codeLines.contains(line) }
    public func isCommentOnly(_ line: Int) -> Bool { commentLines.contains(line) && !codeLines.contains(line) }
    public func isBlank(_ line: Int) -> Bool { !commentLines.contains(line) && !codeLines.contains(line) }
    public func hasSafetyComment(onLine line: Int) -> Bool { safetyLines.contains(line) }

    /// Whether the comment-only lines directly above `line` (no blank line in between) contain
    /// a `SAFETY:` comment.
    public func hasSafetyCommentBlock(above line: Int) -> Bool {
        var candidate = line - 1
        while candidate >= 1, isCommentOnly(candidate) {
            if safetyLines.contains(candidate) { return true }
            candidate -= 1
        }
        return false
    }

    /// How far above a site a `SAFETY:` comment still covers it when no blank line intervenes: one
    /// comment may justify a short paragraph of related unsafe lines.
    public static let paragraphWindowLines = 6

    /// Whether a `SAFETY:` comment sits within `paragraphWindowLines` above `line` with no blank line
    /// in between (code lines in between are fine). A comment block that reaches into the window
    /// counts whole, even where it starts above it.
    public func hasSafetyCommentInParagraph(above line: Int) -> Bool {
        let windowTop = max(1, line - Self.paragraphWindowLines)
        var candidate = line - 1
        while candidate >= 1, !isBlank(candidate) {
            if safetyLines.contains(candidate) { return true }
            if candidate <= windowTop, !isCommentOnly(candidate) { break }
            candidate -= 1
        }
        return false
    }

    /// The justification rule shared by Swift and C. A site is justified by a `SAFETY:` comment
    /// - on the site's line, or on any line from the start of the enclosing statement, declaration
    ///   or C function (`anchorLines`) through the site; or
    /// - in the comment block directly above the site line or above an anchor line (any length,
    ///   no blank line in between); or
    /// - up to `paragraphWindowLines` lines above the site with no blank line in between (a comment
    ///   block reaching into that window counts whole).
    public func isJustified(siteLine: Int, anchorLines: [Int]) -> Bool {
        if hasSafetyComment(onLine: siteLine) || hasSafetyCommentBlock(above: siteLine)
            || hasSafetyCommentInParagraph(above: siteLine) {
            return true
        }
        for anchor in anchorLines {
            if hasSafetyCommentBlock(above: anchor) { return true }
            if anchor <= siteLine, (anchor...siteLine).contains(where: hasSafetyComment(onLine:)) { return true }
        }
        return false
    }
}

/// Maps UTF-8 offsets to 1-based line and column numbers.
struct LineIndex {
    private let lineStartOffsets: [Int]

    init<Bytes: Collection>(utf8 bytes: Bytes) where Bytes.Element == UInt8 {
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        lineStartOffsets = starts
        totalBytes = bytes.count
    }

    let totalBytes: Int

    /// Number of lines, not counting an empty line after a final newline.
    var lineCount: Int {
        let count = lineStartOffsets.count
        return lineStartOffsets.last == totalBytes ? count - 1 : count
    }

    func line(ofOffset offset: Int) -> Int {
        var low = 0, high = lineStartOffsets.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStartOffsets[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    func column(ofOffset offset: Int) -> Int { offset - lineStartOffsets[line(ofOffset: offset) - 1] + 1 }
}
