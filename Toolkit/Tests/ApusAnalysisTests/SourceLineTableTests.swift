// Line classification and the SAFETY marker, independent of any fixture.
import ApusAnalysis
import Testing

@Suite("Source line table")
struct SourceLineTableTests {
    @Test(arguments: [
        ("// SAFETY: the pointer is live.", true),
        ("// SAFETY (all six accessors): the lock is held.", true),
        ("/* SAFETY: block form. */", true),
        ("/// SAFETY: doc comment form.", true),
        ("// Safety: wrong case.", false),
        ("// SAFETY without a colon.", false),
        ("// UNSAFETY: another word.", false),
        ("let note = \"SAFETY: in a string\"", false),
    ])
    func safetyMarker(_ line: String, _ isMarker: Bool) {
        let file = SwiftSourceFile(path: "x.swift", source: line + "\n")
        #expect(file.lines.hasSafetyComment(onLine: 1) == isMarker)
    }

    @Test func classifiesLines() {
        let file = SwiftSourceFile(path: "x.swift", source: """
            // comment

            let text = \"\"\"
                inside a string

                \"\"\"
            /* block
               comment */ let x = 1
            """)
        #expect(file.lines.lineCount == 8)
        #expect(file.lines.isCommentOnly(1))
        #expect(file.lines.isBlank(2))
        #expect((3...6).allSatisfy(file.lines.isCode))
        #expect(file.lines.isCommentOnly(7))
        #expect(file.lines.isCode(8))
        #expect(file.lines.codeLineCount == 5)
    }
}
