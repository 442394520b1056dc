// Hand-written tests of the reader-facing state (take, availableBytes, hasReadableInput,
// lineLengths), of settings changes with pending input (apply), and of the column tracking that
// tab erasure depends on.
import Testing
import LinuxABI
import LineDiscipline

// MARK: Reading in canonical mode

@Test func nothingIsReadableUntilALineEnds() {
    var discipline = LineDiscipline()
    _ = discipline.type("partial")
    #expect(!discipline.hasReadableInput)
    #expect(discipline.availableBytes == 0)
    #expect(discipline.rawCount == 0)
    #expect(discipline.editing == bytes("partial"))
    #expect(discipline.take(upTo: 100) == [])
    #expect(discipline.editing == bytes("partial"), "a read does not touch the edited line")
}

@Test func readsStopAtLineEndsAndResumeMidLine() {
    var discipline = LineDiscipline()
    _ = discipline.type("hello\nworld\n")
    #expect(discipline.lineLengths == [6, 6])
    #expect(discipline.availableBytes == 12, "FIONREAD counts every complete line")
    #expect(discipline.take(upTo: 4) == bytes("hell"))
    #expect(discipline.lineLengths == [2, 6])
    #expect(discipline.take(upTo: 100) == bytes(#"o\n"#))
    #expect(discipline.take(upTo: 100) == bytes(#"world\n"#))
    #expect(!discipline.hasReadableInput)
}

@Test func eofLineReadsEmptyOnceAndAZeroByteReadLeavesIt() {
    var discipline = LineDiscipline()
    _ = discipline.type("\u{04}x\n")
    #expect(discipline.lineLengths == [0, 2])
    #expect(discipline.hasReadableInput)
    #expect(discipline.availableBytes == 2, "the EOF marker is not a byte")
    #expect(discipline.take(upTo: 0) == [])
    #expect(discipline.lineLengths == [0, 2], "read(fd, buf, 0) does not consume the EOF (as on Linux)")
    #expect(discipline.take(upTo: 10) == [])
    #expect(discipline.take(upTo: 10) == bytes(#"x\n"#))
}

@Test func negativeCountsReadNothing() {
    var discipline = LineDiscipline()
    _ = discipline.type("ab\n")
    #expect(discipline.take(upTo: -1) == [])
    #expect(discipline.take(upTo: Int.min) == [])
    var raw = LineDiscipline(Changes(localOff: [.ICANON]))
    _ = raw.type("ab")
    #expect(raw.take(upTo: -5) == [])
    #expect(raw.take(upTo: Int.max) == bytes("ab"))
}

@Test func eofMidLineCommitsWhatIsThere() {
    var discipline = LineDiscipline()
    #expect(discipline.type("abc\u{04}") == Reaction(echo: bytes("abc")))
    #expect(discipline.lineLengths == [3])
    #expect(discipline.readAll() == [bytes("abc")])
}

@Test func quotedNewlineStaysInsideTheLine() {
    var discipline = LineDiscipline()
    #expect(discipline.type("a\u{16}\nb") == Reaction(echo: bytes("a^\u{08}^Jb")))
    #expect(!discipline.hasReadableInput, "a quoted NL does not end the line")
    _ = discipline.type("\r")
    #expect(discipline.lineLengths == [4])
    #expect(discipline.readAll() == [bytes(#"a\nb\n"#)])
}

@Test func flushInputForgetsEverything() {
    var discipline = LineDiscipline()
    _ = discipline.type("one\ntwo\u{16}")
    discipline.flushInput()
    #expect(discipline.editing.isEmpty && discipline.committed.isEmpty && discipline.lineLengths.isEmpty)
    #expect(discipline.type("\u{7F}x\r") == Reaction(echo: bytes(#"x\r\n"#)), "the pending LNEXT is gone too")
    #expect(discipline.readAll() == [bytes(#"x\n"#)])
}

// MARK: Raw mode

@Test func rawModeCommitsEveryByte() {
    var discipline = LineDiscipline(Changes(localOff: [.ICANON]))
    #expect(discipline.type("a\u{7F}\u{04}") == Reaction(echo: bytes("a^?^D")))
    #expect(discipline.hasReadableInput)
    #expect(discipline.availableBytes == 3)
    #expect(discipline.lineLengths.isEmpty && discipline.editing.isEmpty)
    #expect(discipline.take(upTo: 2) == bytes("a\u{7F}"))
    #expect(discipline.take(upTo: 2) == [4])
    #expect(!discipline.hasReadableInput)
}

@Test func rawModeWithoutEchoIsSilent() {
    var discipline = LineDiscipline(Changes(localOff: [.ICANON, .ECHO]))
    #expect(discipline.type("secret\r") == Reaction())
    #expect(discipline.take(upTo: 100) == bytes(#"secret\n"#))
}

// MARK: Changing settings with pending input

@Test func leavingCanonicalModeReleasesTheEditedLine() {
    var discipline = LineDiscipline()
    _ = discipline.type("ab\ncd")
    discipline.change(Changes(localOff: [.ICANON]))
    #expect(discipline.editing.isEmpty && discipline.lineLengths.isEmpty)
    #expect(discipline.availableBytes == 5)
    #expect(discipline.take(upTo: 100) == bytes(#"ab\ncd"#))
}

@Test func enteringCanonicalModeMakesPendingInputOneLine() {
    var discipline = LineDiscipline(Changes(localOff: [.ICANON]))
    _ = discipline.type("xy\nz")
    discipline.change(Changes(localOn: [.ICANON]))
    #expect(discipline.lineLengths == [4])
    #expect(discipline.type("\u{7F}") == Reaction(), "pushed input cannot be erased")
    #expect(discipline.readAll(sizes: [2]) == [bytes("xy"), bytes(#"\nz"#)])
}

@Test func enteringCanonicalModeWithNothingPendingHasNoLine() {
    var discipline = LineDiscipline(Changes(localOff: [.ICANON]))
    discipline.change(Changes(localOn: [.ICANON]))
    #expect(discipline.lineLengths.isEmpty)
    #expect(!discipline.hasReadableInput)
}

@Test func changesWithinCanonicalModeKeepTheLineAndPendingLines() {
    var discipline = LineDiscipline()
    _ = discipline.type("one\ntw")
    discipline.change(Changes(localOff: [.ECHO], characters: [.VERASE: 8]))
    #expect(discipline.type("\u{08}o\r") == Reaction())
    #expect(discipline.readAll() == [bytes(#"one\n"#), bytes(#"to\n"#)])
}

@Test func tcsaflushDropsPendingInput() {
    var discipline = LineDiscipline()
    _ = discipline.type("ab\ncd")
    discipline.change(Changes(localOff: [.ICANON]), flushing: true)
    #expect(!discipline.hasReadableInput)
    #expect(discipline.committed.isEmpty)
}

@Test func leavingCanonicalModeCancelsLiteralNext() {
    var discipline = LineDiscipline()
    _ = discipline.type("a\u{16}")
    discipline.change(Changes(localOff: [.ICANON]))
    #expect(discipline.type("\u{03}") == Reaction(echo: bytes("^C"), signals: [.SIGINT]))
}

// MARK: Output and the column

@Test func columnFollowsOutputAndEcho() {
    var discipline = LineDiscipline()
    #expect(discipline.processOutput(bytes("$ ")) == bytes("$ "))
    #expect(discipline.column == 2)
    _ = discipline.type("a\u{01}\t")
    #expect(discipline.canonColumn == 2, "the line started after the prompt")
    #expect(discipline.column == 8)
    _ = discipline.type("\u{7F}")
    #expect(discipline.column == 5)
    _ = discipline.type("\u{7F}\u{7F}")
    #expect(discipline.column == 2)
    #expect(discipline.processOutput(bytes(#"x\n"#)) == bytes(#"x\r\n"#))
    #expect(discipline.column == 0)
}

@Test func outputWithoutOpostIsUntouchedAndMovesNoColumn() {
    var discipline = LineDiscipline(Changes(outputOff: [.OPOST]))
    let text = bytes(#"a\tb\r\n\x08"#)
    #expect(discipline.processOutput(text) == text)
    #expect(discipline.column == 0)
}

@Test func backspaceStopsAtColumnZero() {
    var discipline = LineDiscipline()
    _ = discipline.processOutput(bytes(#"ab\x08\x08\x08\x08"#))
    #expect(discipline.column == 0)
}

@Test func tabEraseEmitsBackspacesEvenAtColumnZero() {
    // Output without OPOST leaves the column behind; Linux still backs up a full tab stop.
    var discipline = LineDiscipline(Changes(outputOff: [.OPOST]))
    #expect(discipline.type("\t\u{7F}") == Reaction(echo: bytes(#"\t\x08\x08\x08\x08\x08\x08\x08\x08"#)))
    #expect(discipline.column == 0)
}
