// Hand-written tests of what the pty transcripts cannot show: the signal effects of ISIG
// characters (a pty process without a controlling terminal sends none, and a pty also discards
// echo it has not delivered yet when the input is flushed) and the 4095-byte line limit (long
// kills overflow n_tty's echo buffer). The Linux behaviour each encodes was checked on a pty.
import Testing
import LinuxABI
import LineDiscipline

// MARK: ISIG

@Test func interruptEchoesThenSignalsAndFlushes() {
    var discipline = LineDiscipline()
    #expect(discipline.type("one\rtw") == Reaction(echo: bytes(#"one\r\ntw"#)))
    #expect(discipline.receive(3) == [.output(bytes("^C")), .signal(.SIGINT)])
    #expect(discipline.editing.isEmpty)
    #expect(discipline.committed.isEmpty, "a committed but unread line is flushed too")
    #expect(!discipline.hasReadableInput)
    _ = discipline.type("x\r")
    #expect(discipline.readAll() == [bytes(#"x\n"#)])
}

@Test func quitAndSuspendSignal() {
    var discipline = LineDiscipline()
    #expect(discipline.receive(28) == [.output(bytes(#"^\\"#)), .signal(.SIGQUIT)])
    #expect(discipline.receive(26) == [.output(bytes("^Z")), .signal(.SIGTSTP)])
}

@Test func noflshKeepsInput() {
    var discipline = LineDiscipline(Changes(localOn: [.NOFLSH]))
    let reaction = discipline.type("a\u{1C}b\u{1A}c\r")
    #expect(reaction.signals == [.SIGQUIT, .SIGTSTP])
    #expect(reaction.echo == bytes(#"a^\\b^Zc\r\n"#))
    #expect(discipline.readAll() == [bytes(#"abc\n"#)])
}

@Test func signalEchoFollowsEchoFlags() {
    var quiet = LineDiscipline(Changes(localOff: [.ECHO]))
    #expect(quiet.receive(3) == [.signal(.SIGINT)])
    var raw = LineDiscipline(Changes(localOff: [.ECHOCTL]))
    #expect(raw.receive(3) == [.output([3]), .signal(.SIGINT)])
    var off = LineDiscipline(Changes(localOff: [.ISIG]))
    #expect(off.type("a\u{03}\r") == Reaction(echo: bytes(#"a^C\r\n"#)))
    #expect(off.readAll() == [bytes(#"a\x03\n"#)])
}

@Test func signalCharactersWorkInRawMode() {
    var discipline = LineDiscipline(Changes(localOff: [.ICANON]))
    _ = discipline.type("ab")
    #expect(discipline.receive(3) == [.output(bytes("^C")), .signal(.SIGINT)])
    #expect(!discipline.hasReadableInput)
    _ = discipline.type("cd")
    #expect(discipline.readAll() == [bytes("cd")])
}

@Test func signalCharactersAreMatchedBeforeCRTranslation() {
    // Linux: with VINTR = CR and ICRNL, typing CR interrupts (echo ^M); with VINTR = NL it does not
    // catch a CR mapped to NL, but a typed NL interrupts (echo ^J).
    var returnInterrupts = LineDiscipline(Changes(characters: [.VINTR: 13]))
    #expect(returnInterrupts.type("ab\r") == Reaction(echo: bytes("ab^M"), signals: [.SIGINT]))
    var newlineInterrupts = LineDiscipline(Changes(characters: [.VINTR: 10]))
    #expect(newlineInterrupts.type("ab\r") == Reaction(echo: bytes(#"ab\r\n"#)))
    #expect(newlineInterrupts.type("cd\n") == Reaction(echo: bytes("cd^J"), signals: [.SIGINT]))
    #expect(newlineInterrupts.readAll() == [], "the interrupt flushed the committed line")
}

@Test func flowControlIsCheckedBeforeSignals() {
    var discipline = LineDiscipline(Changes(characters: [.VSTOP: 3]))
    #expect(discipline.receive(3) == [], "^C is XOFF here and consumed")
    var withoutFlowControl = LineDiscipline(Changes(inputOff: [.IXON], characters: [.VSTOP: 3]))
    #expect(withoutFlowControl.receive(3) == [.output(bytes("^C")), .signal(.SIGINT)])
}

@Test func disabledSignalCharacterNeverMatchesNul() {
    var discipline = LineDiscipline(Changes(characters: [.VINTR: 0, .VQUIT: 0, .VSUSP: 0]))
    #expect(discipline.type("\u{00}\u{03}\r") == Reaction(echo: bytes(#"^@^C\r\n"#)))
    #expect(discipline.readAll() == [bytes(#"\x00\x03\n"#)])
}

@Test func signalForgetsNothingButInput() {
    var discipline = LineDiscipline()
    _ = discipline.type("ab")
    _ = discipline.receive(3)
    #expect(discipline.type("\u{7F}") == Reaction(), "the flushed line cannot be erased")
}

// MARK: The line limit

func alphabet(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(97 + $0 % 26) } }

@Test(arguments: [4094, 4095, 4096, 5000]) func lineHoldsAtMost4095BytesPlusNewline(length: Int) {
    var discipline = LineDiscipline()
    let reaction = discipline.type(alphabet(length) + [10])
    #expect(reaction.echo == alphabet(length) + [13, 10], "Linux echoes the characters it drops")
    let kept = min(length, LineDiscipline.maximumLine)
    #expect(discipline.readAll(sizes: [10000]) == [alphabet(kept) + [10]])
}

@Test func eraseAfterOverflowErasesTheLastKeptCharacter() {
    var discipline = LineDiscipline()
    _ = discipline.type(alphabet(4096))
    #expect(discipline.type("\u{7F}Z\n") == Reaction(echo: bytes(#"\x08 \x08Z\r\n"#)))
    #expect(discipline.readAll(sizes: [10000]) == [alphabet(4094) + bytes(#"Z\n"#)])

    _ = discipline.type(alphabet(5000))
    _ = discipline.type("\u{7F}\u{7F}\n")
    #expect(discipline.readAll(sizes: [10000]) == [alphabet(4093) + [10]])
}

@Test func eofAndEolStillEndAFullLine() {
    var discipline = LineDiscipline(Changes(characters: [.VEOL: 59]))
    _ = discipline.type(alphabet(5000) + [4])
    #expect(discipline.readAll(sizes: [10000]) == [alphabet(4095)])
    _ = discipline.type(alphabet(5000) + bytes(";"))
    #expect(discipline.readAll(sizes: [10000]) == [alphabet(4095) + bytes(";")])
}

@Test func quotedNewlineIsDroppedFromAFullLine() {
    var discipline = LineDiscipline()
    _ = discipline.type(alphabet(4095) + [22, 10, 10])
    #expect(discipline.readAll(sizes: [10000]) == [alphabet(4095) + [10]])
}

@Test func killErasesAWholeFullLine() {
    var discipline = LineDiscipline()
    _ = discipline.type(alphabet(4095))
    let reaction = discipline.type("\u{15}")
    #expect(reaction.echo == Array([[UInt8]](repeating: [8, 32, 8], count: 4095).joined()))
    #expect(discipline.editing.isEmpty)
}

@Test func rawModeHasNoLineLimit() {
    var discipline = LineDiscipline(Changes(localOff: [.ICANON, .ECHO]))
    _ = discipline.type(alphabet(10000))
    #expect(discipline.availableBytes == 10000)
    #expect(discipline.take(upTo: 20000) == alphabet(10000))
}
