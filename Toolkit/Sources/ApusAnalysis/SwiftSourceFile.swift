// A parsed Swift file: its syntax tree, line/column mapping and line table.
//
// Every question the analyses ask of Swift code goes through the SwiftSyntax tree, so words inside
// comments and string literals never count as code. Positions are UTF-8 byte offsets, the unit in
// which the compiler reports columns too.
import SwiftParser
import SwiftSyntax

public struct SwiftSourceFile {
    /// Path relative to the repository root, as printed in diagnostics.
    public let path: String
    public let tree: SourceFileSyntax
    public let lines: SourceLineTable
    let lineIndex: LineIndex

    public init(path: String, source: String) {
        self.path = path
        tree = Parser.parse(source: source)
        lineIndex = LineIndex(utf8: source.utf8)
        lines = Self.lineTable(of: tree, lineIndex: lineIndex)
    }

    /// Whether the parser had to skip or invent tokens: the file is not valid Swift as SwiftSyntax
    /// understands it, so constructs inside it may have gone unseen.
    public var hasSyntaxErrors: Bool { tree.hasError }

    public func line(of position: AbsolutePosition) -> Int { lineIndex.line(ofOffset: position.utf8Offset) }
    public func column(of position: AbsolutePosition) -> Int { lineIndex.column(ofOffset: position.utf8Offset) }

    /// Line of the first token of `node`, skipping its leading comments.
    public func startLine(of node: some SyntaxProtocol) -> Int { line(of: node.positionAfterSkippingLeadingTrivia) }

    /// The first syntax-error position, for a diagnostic.
    public var firstErrorPosition: AbsolutePosition? {
        for token in tree.tokens(viewMode: .all) where token.presence == .missing || token.hasError {
            return token.positionAfterSkippingLeadingTrivia
        }
        let finder = UnexpectedNodeFinder(viewMode: .sourceAccurate)
        finder.walk(tree)
        return finder.firstPosition
    }

    private static func lineTable(of tree: SourceFileSyntax, lineIndex: LineIndex) -> SourceLineTable {
        var table = SourceLineTable(lineCount: lineIndex.lineCount)
        for token in tree.tokens(viewMode: .sourceAccurate) {
            recordTrivia(token.leadingTrivia, startingAt: token.position, into: &table, lineIndex: lineIndex)
            let start = token.positionAfterSkippingLeadingTrivia.utf8Offset
            let end = token.endPositionBeforeTrailingTrivia.utf8Offset
            if token.tokenKind != .endOfFile, end > start {
                table.markCode(from: lineIndex.line(ofOffset: start), through: lineIndex.line(ofOffset: end - 1))
            }
            recordTrivia(token.trailingTrivia, startingAt: token.endPositionBeforeTrailingTrivia,
                         into: &table, lineIndex: lineIndex)
            if token.tokenKind == .multilineStringQuote, let literal = token.parent?.as(StringLiteralExprSyntax.self),
               literal.openingQuote.id == token.id {
                // Every line of a multi-line string literal is code, its blank lines included.
                let end = max(literal.positionAfterSkippingLeadingTrivia.utf8Offset, literal.endPositionBeforeTrailingTrivia.utf8Offset - 1)
                table.markCode(from: lineIndex.line(ofOffset: literal.positionAfterSkippingLeadingTrivia.utf8Offset),
                               through: lineIndex.line(ofOffset: end))
            }
        }
        return table
    }

    private static func recordTrivia(_ trivia: Trivia, startingAt start: AbsolutePosition,
                                     into table: inout SourceLineTable, lineIndex: LineIndex) {
        var offset = start.utf8Offset
        for piece in trivia {
            let firstLine = lineIndex.line(ofOffset: offset)
            switch piece {
            case .lineComment(let text), .docLineComment(let text),
                 .blockComment(let text), .docBlockComment(let text):
                table.markComment(startingAt: firstLine, text: text[...])
            case .unexpectedText(let text):
                // Text the parser could not place is still code someone wrote.
                let lastLine = firstLine + text.filter { $0 == "\n" }.count
                table.markCode(from: firstLine, through: lastLine)
            default:
                break
            }
            offset += piece.sourceLength.utf8Length
        }
    }
}

private final class UnexpectedNodeFinder: SyntaxVisitor {
    var firstPosition: AbsolutePosition?

    override func visit(_ node: UnexpectedNodesSyntax) -> SyntaxVisitorContinueKind {
        if firstPosition == nil { firstPosition = node.positionAfterSkippingLeadingTrivia }
        return .skipChildren
    }
}
