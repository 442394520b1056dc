// The N_TTY line discipline as pure logic (termios(3), "Canonical and noncanonical mode"):
// input translation (ISTRIP, IGNCR, ICRNL, INLCR), software flow-control characters (IXON),
// signal characters (ISIG: INTR, QUIT, SUSP), canonical editing (ERASE, KILL, WERASE, LNEXT,
// REPRINT, EOF, EOL, EOL2; lines of at most 4095 bytes plus their terminator), echo (ECHO, ECHOE,
// ECHOK, ECHOKE, ECHONL, ECHOCTL as ^X, IUTF8-aware erasure) and output processing (OPOST with
// OLCUC, ONLCR, OCRNL, ONOCR, ONLRET, XTABS).
// It owns no device and never blocks: it turns input bytes into committed input plus effects
// (bytes to echo, signals to send), so the kernel's terminal runs it under a lock and the host
// tests run it directly.
//
// Where termios(3) is vague the behaviour is Linux's drivers/tty/n_tty.c, checked on a Linux pty
// (Tests/Host/Tests/LineDisciplineTests): characters are tested for their special meanings in
// n_tty's order (IXON, ISIG, CR/NL translation, then editing), byte 0 is never special
// (_POSIX_VDISABLE), WERASE erases like BSD's ALTWERASE (a run of letters, digits and '_' plus
// what follows it), and erasing a tab moves back to the column the tab started at, which is why
// the discipline tracks the output column the way n_tty does.
// Not modelled: ECHOPRT, IUCLC/XCASE, PARMRK, IXANY and stopping output on VSTOP (the characters
// are consumed), and n_tty's 4 KiB cap on unread input (the terminal buffers it instead).

import LinuxABI

public struct LineDiscipline: Sendable {
    public enum Effect: Equatable, Sendable {
        /// Bytes to write to the device (echo), already output-processed.
        case output([UInt8])
        /// A signal for the foreground process group.
        case signal(Signal)
    }

    /// The longest canonical line without its terminator (N_TTY_BUF_SIZE - 1).
    public static let maximumLine = 4095

    public var settings: Termios
    /// The line being edited (canonical mode).
    public private(set) var editing: [UInt8] = []
    /// Input ready for readers.
    public private(set) var committed: [UInt8] = []
    /// Canonical mode: lengths of the complete lines in `committed` (an EOF line can be empty).
    public private(set) var lineLengths: [Int] = []
    /// The device's cursor column as output processing sees it (n_tty's `column`).
    public private(set) var column = 0
    /// The column the line being edited started at, after the prompt (n_tty's `canon_column`).
    public private(set) var canonColumn = 0
    var literalNext = false

    public init(settings: Termios = .linuxDefault) {
        self.settings = settings
    }

    public var isCanonical: Bool { settings.localFlags.contains(.ICANON) }
    public var hasReadableInput: Bool { isCanonical ? !lineLengths.isEmpty : !committed.isEmpty }
    /// FIONREAD: bytes a read would return (whole committed lines in canonical mode).
    public var availableBytes: Int { isCanonical ? (lineLengths.isEmpty ? 0 : committed.count) : committed.count }
    public var rawCount: Int { committed.count }

    // MARK: output

    /// Output-processes bytes a program writes and advances the column.
    public mutating func processOutput(_ bytes: [UInt8]) -> [UInt8] {
        guard settings.outputFlags.contains(.OPOST) else { return bytes }
        var processed: [UInt8] = []
        processed.reserveCapacity(bytes.count + bytes.count / 8 + 1)
        for byte in bytes { emit(byte, into: &processed) }
        return processed
    }

    /// One byte through OPOST processing (n_tty's do_output_char).
    mutating func emit(_ byte: UInt8, into processed: inout [UInt8]) {
        let flags = settings.outputFlags
        switch byte {
        case 10:
            if flags.contains(.ONLRET) { column = 0 }
            if flags.contains(.ONLCR) {
                column = 0
                canonColumn = 0
                processed += [13, 10]
                return
            }
            canonColumn = column
        case 13:
            if flags.contains(.ONOCR) && column == 0 { return }
            if flags.contains(.OCRNL) {
                if flags.contains(.ONLRET) {
                    column = 0
                    canonColumn = 0
                }
                processed.append(10)
                return
            }
            column = 0
            canonColumn = 0
        case 9:
            let spaces = 8 - (column & 7)
            column &+= spaces
            if flags.rawValue & TermiosOutputFlags.TABDLY.rawValue == TermiosOutputFlags.XTABS.rawValue {
                processed += [UInt8](repeating: 32, count: spaces)
                return
            }
        case 8:
            if column > 0 { column -= 1 }
        default:
            guard !isControl(byte) else { break }
            if !isContinuation(byte) { column &+= 1 }
            if flags.contains(.OLCUC) && isLowercase(byte) {
                processed.append(byte - 32)
                return
            }
        }
        processed.append(byte)
    }

    /// A byte echoed as itself (n_tty's echo_char_raw).
    mutating func echoRaw(_ byte: UInt8, into echo: inout [UInt8]) {
        if settings.outputFlags.contains(.OPOST) { emit(byte, into: &echo) } else { echo.append(byte) }
    }

    /// A typed character echoed, control characters as ^X under ECHOCTL (n_tty's echo_char).
    mutating func echoCharacter(_ byte: UInt8, into echo: inout [UInt8]) {
        if settings.localFlags.contains(.ECHOCTL) && isControl(byte) && byte != 9 {
            echo += [94, byte ^ 0x40]
            column &+= 2
        } else {
            echoRaw(byte, into: &echo)
        }
    }

    // MARK: character classes (the kernel's ctype, Latin-1 in the upper half)

    func isControl(_ byte: UInt8) -> Bool { byte < 32 || byte == 127 }

    func isContinuation(_ byte: UInt8) -> Bool {
        settings.inputFlags.contains(.IUTF8) && byte & 0xC0 == 0x80
    }

    func isLowercase(_ byte: UInt8) -> Bool { (97...122).contains(byte) || (byte >= 223 && byte != 247) }

    func isWordCharacter(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95
            || (byte >= 192 && byte != 215 && byte != 247)
    }

    /// Whether `byte` is the enabled control character `character`.
    func isKey(_ byte: UInt8, _ character: ControlCharacter) -> Bool {
        byte != 0 && byte == settings[character]
    }

    // MARK: input

    /// Feeds one received byte; returns what the terminal must do.
    public mutating func receive(_ received: UInt8) -> [Effect] {
        var echo: [UInt8] = []
        var signal: Signal?
        receive(received, echo: &echo, signal: &signal)
        var effects: [Effect] = []
        if !echo.isEmpty { effects.append(.output(echo)) }
        if let signal { effects.append(.signal(signal)) }
        return effects
    }

    mutating func receive(_ received: UInt8, echo: inout [UInt8], signal: inout Signal?) {
        let input = settings.inputFlags
        let local = settings.localFlags
        var byte = input.contains(.ISTRIP) ? received & 0x7F : received
        if literalNext {
            literalNext = false
            store(byte, echo: &echo, endsLine: false)
            return
        }
        if input.contains(.IXON) && (isKey(byte, .VSTART) || isKey(byte, .VSTOP)) { return }
        if local.contains(.ISIG), let caught = signalCharacter(byte) {
            if !local.contains(.NOFLSH) { flushInput() }
            if local.contains(.ECHO) { echoCharacter(byte, into: &echo) }
            signal = caught
            return
        }
        var isNewlineFromReturn = false
        if byte == 13 {
            if input.contains(.IGNCR) { return }
            if input.contains(.ICRNL) {
                byte = 10
                isNewlineFromReturn = true
            }
        } else if byte == 10 && input.contains(.INLCR) {
            byte = 13
        }
        if local.contains(.ICANON) {
            editCanonical(byte, echo: &echo)
        } else {
            committed.append(byte)
            guard local.contains(.ECHO) else { return }
            // n_tty echoes a newline raw only when it came through its special-character path.
            if isNewlineFromReturn { echoRaw(10, into: &echo) } else { echoCharacter(byte, into: &echo) }
        }
    }

    func signalCharacter(_ byte: UInt8) -> Signal? {
        if isKey(byte, .VINTR) { return .SIGINT }
        if isKey(byte, .VQUIT) { return .SIGQUIT }
        if isKey(byte, .VSUSP) { return .SIGTSTP }
        return nil
    }

    /// Canonical mode, in n_tty_receive_char_canon's order.
    mutating func editCanonical(_ byte: UInt8, echo: inout [UInt8]) {
        let local = settings.localFlags
        let echoes = local.contains(.ECHO)
        let extended = local.contains(.IEXTEN)
        if isKey(byte, .VERASE) {
            erase(.character, key: byte, echo: &echo)
        } else if isKey(byte, .VKILL) {
            erase(.line, key: byte, echo: &echo)
        } else if extended && isKey(byte, .VWERASE) {
            erase(.word, key: byte, echo: &echo)
        } else if extended && isKey(byte, .VLNEXT) {
            literalNext = true
            if echoes && local.contains(.ECHOCTL) {
                echoRaw(94, into: &echo)
                echoRaw(8, into: &echo)
            }
        } else if echoes && extended && isKey(byte, .VREPRINT) {
            echoCharacter(byte, into: &echo)
            echoRaw(10, into: &echo)
            for character in editing { echoCharacter(character, into: &echo) }
        } else if byte == 10 {
            if echoes || local.contains(.ECHONL) { echoRaw(10, into: &echo) }
            editing.append(byte)
            commitLine()
        } else if isKey(byte, .VEOF) {
            commitLine()
        } else if isKey(byte, .VEOL) || (extended && isKey(byte, .VEOL2)) {
            store(byte, echo: &echo, endsLine: true)
        } else {
            store(byte, echo: &echo, endsLine: false)
        }
    }

    /// An ordinary character, or an EOL that ends the line (n_tty_receive_char). A full canonical
    /// line drops further characters but, like Linux, still echoes them.
    mutating func store(_ byte: UInt8, echo: inout [UInt8], endsLine: Bool) {
        let canonical = isCanonical
        if settings.localFlags.contains(.ECHO) {
            if canonical && editing.isEmpty { canonColumn = column }
            echoCharacter(byte, into: &echo)
        }
        guard canonical else {
            committed.append(byte)
            return
        }
        if editing.count >= Self.maximumLine && !endsLine { return }
        editing.append(byte)
        if endsLine { commitLine() }
    }

    enum Erasure { case character, word, line }

    /// ERASE, WERASE and KILL (n_tty's eraser): one character (with its UTF-8 continuation bytes
    /// under IUTF8), a word, or the line, echoed as the flags ask.
    mutating func erase(_ kind: Erasure, key: UInt8, echo: inout [UInt8]) {
        guard !editing.isEmpty else { return }
        let local = settings.localFlags
        if kind == .line {
            guard local.contains(.ECHO) else { return editing.removeAll() }
            if !local.contains(.ECHOK) || !local.contains(.ECHOKE) || !local.contains(.ECHOE) {
                editing.removeAll()
                echoCharacter(key, into: &echo)
                if local.contains(.ECHOK) { echoRaw(10, into: &echo) }
                return
            }
        }
        var seenWordCharacter = false
        while !editing.isEmpty {
            var start = editing.count - 1
            while start > 0 && isContinuation(editing[start]) { start -= 1 }
            let character = editing[start]
            if isContinuation(character) { break }
            if kind == .word {
                if isWordCharacter(character) {
                    seenWordCharacter = true
                } else if seenWordCharacter {
                    break
                }
            }
            editing.removeSubrange(start...)
            if local.contains(.ECHO) {
                if kind == .character && !local.contains(.ECHOE) {
                    echoCharacter(key, into: &echo)
                } else if character == 9 {
                    eraseTab(echo: &echo)
                } else {
                    let widthInColumns = isControl(character) ? (local.contains(.ECHOCTL) ? 2 : 0) : 1
                    for _ in 0..<widthInColumns {
                        echoRaw(8, into: &echo)
                        echoRaw(32, into: &echo)
                        echoRaw(8, into: &echo)
                    }
                }
            }
            if kind == .character { break }
        }
    }

    /// Backspaces over the tab just removed from the end of `editing`: the columns the characters
    /// since the previous tab (or since the line's start column) took, modulo 8.
    mutating func eraseTab(echo: inout [UInt8]) {
        var columns = 0
        var isAfterTab = false
        for character in editing.reversed() {
            if character == 9 {
                isAfterTab = true
                break
            } else if isControl(character) {
                if settings.localFlags.contains(.ECHOCTL) { columns += 2 }
            } else if !isContinuation(character) {
                columns += 1
            }
        }
        if !isAfterTab { columns = (columns & 7) + (canonColumn & 7) }
        for _ in 0..<(8 - (columns & 7)) {
            echo.append(8)
            if column > 0 { column -= 1 }
        }
    }

    mutating func commitLine() {
        committed.append(contentsOf: editing)
        lineLengths.append(editing.count)
        editing.removeAll(keepingCapacity: true)
    }

    public mutating func flushInput() {
        editing.removeAll()
        committed.removeAll()
        lineLengths.removeAll()
        literalNext = false
    }

    // MARK: reading

    /// Takes up to `count` bytes for a read: in canonical mode at most the first line (an empty
    /// EOF line yields an empty result and is consumed, unless `count` is 0); otherwise what is there.
    public mutating func take(upTo count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        if isCanonical {
            guard let length = lineLengths.first else { return [] }
            let taken = min(count, length)
            let bytes = Array(committed.prefix(taken))
            committed.removeFirst(taken)
            if taken == length { lineLengths.removeFirst() } else { lineLengths[0] = length - taken }
            return bytes
        }
        let taken = min(count, committed.count)
        let bytes = Array(committed.prefix(taken))
        committed.removeFirst(taken)
        return bytes
    }

    /// Applies new settings. Turning ICANON off makes the line being edited readable; turning it
    /// on makes everything unread one line (n_tty_set_termios).
    public mutating func apply(_ new: Termios, flushingInput: Bool) {
        if flushingInput { flushInput() }
        let wasCanonical = isCanonical
        settings = new
        guard wasCanonical != isCanonical else { return }
        literalNext = false
        if wasCanonical {
            committed.append(contentsOf: editing)
            editing.removeAll()
            lineLengths.removeAll()
        } else if !committed.isEmpty {
            lineLengths = [committed.count]
        }
    }
}
