// Kernel command-line words survive the toolkit: shell-syntax text is split as sh splits it, and
// the words, quoted for the kernel, come back out of the kernel's own parser
// (Kernel/Libraries/KernelCommandLine) unchanged, init's arguments included.

import Foundation
import KernelCommandLine
import Testing
@testable import ApusKit

@Test func splitsTextAsTheShellDoes() throws {
    #expect(try KernelCommandLineWords.splitShellWords("init=/bin/busybox -- sh -c 'echo hi; exit 7'")
        == ["init=/bin/busybox", "--", "sh", "-c", "echo hi; exit 7"])
    #expect(try KernelCommandLineWords.splitShellWords("  a\t b\n") == ["a", "b"])
    #expect(try KernelCommandLineWords.splitShellWords(#"x "a \"b\" \$c \d" y\ z '' "" e'f'"g""#)
        == ["x", #"a "b" $c \d"#, "y z", "", "", "efg"])
    #expect(try KernelCommandLineWords.splitShellWords("echo $HOME `id` *") == ["echo", "$HOME", "`id`", "*"])
    #expect(try KernelCommandLineWords.splitShellWords("a\\\nb") == ["ab"])
    #expect(try KernelCommandLineWords.splitShellWords("") == [])
    #expect(throws: KernelCommandLineWords.ParseError.unterminatedQuote("'")) { try KernelCommandLineWords.splitShellWords("sh -c 'echo") }
    #expect(throws: KernelCommandLineWords.ParseError.unterminatedQuote("\"")) { try KernelCommandLineWords.splitShellWords("\"a") }
    #expect(throws: KernelCommandLineWords.ParseError.trailingBackslash) { try KernelCommandLineWords.splitShellWords("a\\") }
}

@Test func quotedWordsComeBackOutOfTheKernelsParser() throws {
    let words = ["log=debug", "init=/bin/busybox", "--", "sh", "-c", "echo hi; exit 7", "", "tab\there",
                 "it's", "two  spaces", "x=y z", "--"]
    let text = try KernelCommandLineWords.kernelText(words)
    #expect(text == "log=debug init=/bin/busybox -- sh -c \"echo hi; exit 7\" \"\" \"tab\there\" it's \"two  spaces\" \"x=y z\" --")
    let parsed = KernelCommandLine(text)
    #expect(parsed.value(of: "init") == "/bin/busybox")
    #expect(parsed.value(of: "log") == "debug")
    #expect(parsed.initArguments == Array(words[3...]))
    // Before `--`, a quoted name=value word is one parameter.
    let parameter = KernelCommandLine(try KernelCommandLineWords.kernelText(["greeting=hello world", "quiet"]))
    #expect(parameter.value(of: "greeting") == "hello world")
    #expect(parameter.contains("quiet"))
}

@Test func refusesWordsTheKernelCannotCarry() {
    #expect(throws: KernelCommandLineWords.ParseError.doubleQuoteInWord(#"echo "x""#)) {
        try KernelCommandLineWords.kernelText(["sh", "-c", #"echo "x""#])
    }
}

@Test func typesEndOfFileAsAPersonWould() {
    #expect(ConsoleInputFeed.endOfInput(lastByte: nil) == [0x04])
    #expect(ConsoleInputFeed.endOfInput(lastByte: UInt8(ascii: "\n")) == [0x04])
    #expect(ConsoleInputFeed.endOfInput(lastByte: UInt8(ascii: "x")) == [0x04, 0x04])
}

@Test func consoleWithoutATerminalHasNoMonitor() {
    var machine = QEMUMachine(kernel: URL(fileURLWithPath: "/k.elf"))
    #expect(machine.arguments.contains("-nographic"))
    machine.console = .serialOnly
    let arguments = machine.arguments
    #expect(!arguments.contains("-nographic"))
    #expect(arguments.contains("stdio") && arguments.contains("-monitor"))
}
