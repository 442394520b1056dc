// The pure parts of the interactive session driver: what a terminal shows for the bytes busybox
// sh writes (escape sequences, CR/LF, backspaces), prompt matching and command output extraction.

import Testing
@testable import ApusKit

@Test func cleaningDropsEscapeSequencesAndCarriageReturns() {
    let bytes = Array("~ # \u{1b}[6necho hi\r\nhi\r\n~ # ".utf8)
    #expect(TerminalText.clean(bytes) == "~ # echo hi\nhi\n~ # ")
    #expect(TerminalText.clean(Array("a\u{1b}]0;title\u{07}b\u{1b}7c".utf8)) == "abc")
    #expect(TerminalText.clean(Array("ab\u{08}c\u{03}".utf8)) == "ac")
    #expect(TerminalText.clean(Array("x\n\u{08}y".utf8)) == "x\ny")
}

@Test func commandOutputIsBetweenTheEchoAndTheNextPrompt() {
    let prompt = "[session]# "
    #expect(TerminalText.commandOutput(after: "ls / | wc -l\n14\n[session]# ", prompt: prompt) == "14\n")
    #expect(TerminalText.commandOutput(after: "true\n[session]# ", prompt: prompt) == "")
    #expect(TerminalText.commandOutput(after: "sleep 100", prompt: prompt) == nil)
    #expect(TerminalText.commandOutput(after: "sleep 100\n", prompt: prompt) == nil)
    // A job notice printed before the prompt belongs to the output; the last prompt ends it.
    let text = "jobs\n[1]+  Running  sleep 5\n[session]# "
    #expect(TerminalText.commandOutput(after: text, prompt: prompt) == "[1]+  Running  sleep 5\n")
}

@Test func promptMatchesOnlyAtTheEnd() {
    #expect(TerminalText.endsWithPrompt("banner\n~ # ", prompt: "~ # "))
    #expect(TerminalText.endsWithPrompt("banner\n~ #   ", prompt: "~ # "))
    #expect(!TerminalText.endsWithPrompt("~ # echo", prompt: "~ # "))
    #expect(!TerminalText.endsWithPrompt("", prompt: "~ # "))
    #expect(TerminalText.lines(" a \n\n b\n") == ["a", "b"])
}

@Test func tailQuotesTheLastLines() {
    #expect(ShellConversation.tail("1\n2\n3\n4\n5", lines: 2) == "'4 | 5'")
    #expect(ShellConversation.tail("") == "(nothing)")
}

@Test func caseMarkersAfterAConsoleLineEndingInCRLFAreFound() {
    // The kernel banner ends its lines with \r\n (one Swift Character); the runner's lines end in \n.
    let console = "boot: kernel 59 ms\r\n@@case begin one\nhello\n[exit 0]\n@@case stderr one\n\n@@case end one\n@@case done\n"
    let transcript = CaseTranscript(parsing: console)
    #expect(transcript.finished.map(\.name) == ["one"])
    #expect(transcript.finished.first?.output.stdout == "hello\n[exit 0]\n")
    #expect(transcript.isDone)
}
