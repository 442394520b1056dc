// The N_TTY line discipline as pure logic (termios(3), "Canonical and noncanonical mode"):
// input translation (ISTRIP, IGNCR, ICRNL, INLCR), signal characters (ISIG: INTR, QUIT, SUSP),
// software flow-control characters (IXON), canonical editing (ERASE, KILL, WERASE, LNEXT,
// REPRINT, EOF, EOL, EOL2; lines of at most 4095 bytes), echo (ECHO, ECHOE, ECHOK, ECHOKE,
// ECHONL, ECHOCTL as ^X), and output processing (OPOST with ONLCR, OCRNL).
// It owns no device and never blocks: it turns input bytes into committed input plus effects
// (bytes to echo, signals to send), so the kernel's terminal runs it under a lock and the host
// tests run it directly.

import LinuxABI

public struct LineDiscipline: Sendable {
    public enum Effect: Equatable, Sendable {
        /// Bytes to write to the device (echo), already output-processed.
        case output([UInt8])
        /// A signal for the foreground process group.
        case signal(Signal)
    }

    public static let maximumLine = 4095

    public var settings: Termios
    /// The line being edited (canonical mode).
    public private(set) var editing: [UInt8] = []
    /// Input ready for readers.
    public private(set) var committed: [UInt8] = []
    /// Canonical mode: lengths of the complete lines in `committed` (an EOF line can be empty).
    public private(set) var lineLengths: [Int] = []
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

    public func processOutput(_ bytes: [UInt8]) -> [UInt8] {
        guard settings.outputFlags.contains(.OPOST) else { return bytes }
        var processed: [UInt8] = []
        processed.reserveCapacity(bytes.count + bytes.count / 8 + 1)
        for byte in bytes {
            if byte == 10 && settings.outputFlags.contains(.ONLCR) {
                processed.append(13)
                processed.append(10)
            } else if byte == 13 && settings.outputFlags.contains(.OCRNL) {
                processed.append(10)
            } else {
                processed.append(byte)
            }
        }
        return processed
    }

    func echoed(_ byte: UInt8) -> [UInt8] {
        if settings.localFlags.contains(.ECHOCTL) && ((byte < 32 && byte != 10 && byte != 9) || byte == 127) {
            return [94, byte == 127 ? 63 : byte + 64]
        }
        return processOutput([byte])
    }

    func erasure(_ byte: UInt8) -> [UInt8] {
        let wide = settings.localFlags.contains(.ECHOCTL) && (byte < 32 || byte == 127)
        return wide ? [8, 32, 8, 8, 32, 8] : [8, 32, 8]
    }

    // MARK: input

    /// Feeds one received byte; returns what the terminal must do.
    public mutating func receive(_ received: UInt8) -> [Effect] {
        var effects: [Effect] = []
        var byte = received
        let input = settings.inputFlags
        let local = settings.localFlags
        if input.contains(.ISTRIP) { byte &= 0x7F }
        if literalNext {
            literalNext = false
            store(byte, into: &effects)
            return effects
        }
        if byte == 13 {
            if input.contains(.IGNCR) { return effects }
            if input.contains(.ICRNL) { byte = 10 }
        } else if byte == 10 && input.contains(.INLCR) {
            byte = 13
        }
        if local.contains(.ISIG), let signal = signalCharacter(byte) {
            if !local.contains(.NOFLSH) { flushInput() }
            if local.contains(.ECHO) { effects.append(.output(echoed(byte))) }
            effects.append(.signal(signal))
            return effects
        }
        if input.contains(.IXON) && byte != 0 && (byte == settings[.VSTOP] || byte == settings[.VSTART]) {
            return effects
        }
        if local.contains(.ICANON) && editCanonical(byte, into: &effects) { return effects }
        store(byte, into: &effects)
        return effects
    }

    func signalCharacter(_ byte: UInt8) -> Signal? {
        guard byte != 0 else { return nil }
        if byte == settings[.VINTR] { return .SIGINT }
        if byte == settings[.VQUIT] { return .SIGQUIT }
        if byte == settings[.VSUSP] { return .SIGTSTP }
        return nil
    }

    mutating func editCanonical(_ byte: UInt8, into effects: inout [Effect]) -> Bool {
        let local = settings.localFlags
        let echoes = local.contains(.ECHO)
        guard byte != 0 else { return false }
        if byte == settings[.VERASE] {
            if let last = editing.popLast(), echoes && local.contains(.ECHOE) { effects.append(.output(erasure(last))) }
            return true
        }
        if byte == settings[.VKILL] {
            if echoes && (local.contains(.ECHOKE) || local.contains(.ECHOK)) && local.contains(.ECHOE) {
                var erase: [UInt8] = []
                for character in editing.reversed() { erase += erasure(character) }
                if !erase.isEmpty { effects.append(.output(erase)) }
            } else if echoes && local.contains(.ECHOK) {
                effects.append(.output(echoed(byte) + processOutput([10])))
            }
            editing.removeAll()
            return true
        }
        guard local.contains(.IEXTEN) || byte == settings[.VEOF] else { return false }
        if byte == settings[.VWERASE] {
            var erase: [UInt8] = []
            while let last = editing.last, last == 32 || last == 9 { erase += erasure(editing.removeLast()) }
            while let last = editing.last, last != 32 && last != 9 { erase += erasure(editing.removeLast()) }
            if echoes && local.contains(.ECHOE) && !erase.isEmpty { effects.append(.output(erase)) }
            return true
        }
        if byte == settings[.VLNEXT] {
            literalNext = true
            if echoes && local.contains(.ECHOCTL) { effects.append(.output([94, 8])) }
            return true
        }
        if byte == settings[.VREPRINT] {
            if echoes {
                var line = echoed(byte) + processOutput([10])
                for character in editing { line += echoed(character) }
                effects.append(.output(line))
            }
            return true
        }
        if byte == settings[.VEOF] {
            commitLine()
            return true
        }
        return false
    }

    mutating func store(_ byte: UInt8, into effects: inout [Effect]) {
        let local = settings.localFlags
        if local.contains(.ICANON) {
            let endsLine = byte == 10 || (byte != 0 && (byte == settings[.VEOL] || byte == settings[.VEOL2]))
            if editing.count >= Self.maximumLine && !endsLine { return }
            editing.append(byte)
            if local.contains(.ECHO) || (byte == 10 && local.contains(.ECHONL)) { effects.append(.output(echoed(byte))) }
            if endsLine { commitLine() }
        } else {
            committed.append(byte)
            if local.contains(.ECHO) { effects.append(.output(echoed(byte))) }
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
    }

    // MARK: reading

    /// Takes up to `count` bytes for a read: in canonical mode at most the first line (an empty
    /// EOF line yields an empty result and is consumed); otherwise what is there.
    public mutating func take(upTo count: Int) -> [UInt8] {
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

    /// Applies new settings; pending canonical input becomes readable when ICANON is turned off.
    public mutating func apply(_ new: Termios, flushingInput: Bool) {
        if flushingInput { flushInput() }
        let wasCanonical = isCanonical
        settings = new
        if wasCanonical && !isCanonical {
            committed.append(contentsOf: editing)
            editing.removeAll()
            lineLengths.removeAll()
        } else if !wasCanonical && isCanonical && !committed.isEmpty {
            lineLengths = [committed.count]
        }
    }
}
