// The kernel's termios (TCGETS/TCSETS*, 36 bytes) and termios2 (TCGETS2/TCSETS2*, 44 bytes), their
// flag bits, c_cc indices, baud-rate codes and struct winsize: include/uapi/asm-generic/termbits.h,
// termbits-common.h and termios.h (x86-64 uses the generic files). glibc's struct termios is a
// different, larger struct (NCCS 32, with speeds); the C library translates.

/// c_iflag bits.
public struct TermiosInputFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let IGNBRK = TermiosInputFlags(rawValue: 0x001)
    public static let BRKINT = TermiosInputFlags(rawValue: 0x002)
    public static let IGNPAR = TermiosInputFlags(rawValue: 0x004)
    public static let PARMRK = TermiosInputFlags(rawValue: 0x008)
    public static let INPCK = TermiosInputFlags(rawValue: 0x010)
    public static let ISTRIP = TermiosInputFlags(rawValue: 0x020)
    public static let INLCR = TermiosInputFlags(rawValue: 0x040)
    public static let IGNCR = TermiosInputFlags(rawValue: 0x080)
    public static let ICRNL = TermiosInputFlags(rawValue: 0x100)
    public static let IUCLC = TermiosInputFlags(rawValue: 0x200)
    public static let IXON = TermiosInputFlags(rawValue: 0x400)
    public static let IXANY = TermiosInputFlags(rawValue: 0x800)
    public static let IXOFF = TermiosInputFlags(rawValue: 0x1000)
    public static let IMAXBEL = TermiosInputFlags(rawValue: 0x2000)
    public static let IUTF8 = TermiosInputFlags(rawValue: 0x4000)
}

/// c_oflag bits; the *DLY members are multi-bit fields.
public struct TermiosOutputFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let OPOST = TermiosOutputFlags(rawValue: 0x01)
    public static let OLCUC = TermiosOutputFlags(rawValue: 0x02)
    public static let ONLCR = TermiosOutputFlags(rawValue: 0x04)
    public static let OCRNL = TermiosOutputFlags(rawValue: 0x08)
    public static let ONOCR = TermiosOutputFlags(rawValue: 0x10)
    public static let ONLRET = TermiosOutputFlags(rawValue: 0x20)
    public static let OFILL = TermiosOutputFlags(rawValue: 0x40)
    public static let OFDEL = TermiosOutputFlags(rawValue: 0x80)
    public static let NLDLY = TermiosOutputFlags(rawValue: 0x0100)
    public static let CRDLY = TermiosOutputFlags(rawValue: 0x0600)
    public static let TABDLY = TermiosOutputFlags(rawValue: 0x1800)
    /// Expand tabs to spaces (TAB3).
    public static let XTABS = TermiosOutputFlags(rawValue: 0x1800)
    public static let BSDLY = TermiosOutputFlags(rawValue: 0x2000)
    public static let VTDLY = TermiosOutputFlags(rawValue: 0x4000)
    public static let FFDLY = TermiosOutputFlags(rawValue: 0x8000)
}

/// c_cflag bits; CBAUD, CSIZE and CIBAUD are multi-bit fields (see `BaudRate`).
public struct TermiosControlFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let CBAUD = TermiosControlFlags(rawValue: 0x0000_100f)
    public static let CSIZE = TermiosControlFlags(rawValue: 0x0000_0030)
    public static let CS5 = TermiosControlFlags([])
    public static let CS6 = TermiosControlFlags(rawValue: 0x0000_0010)
    public static let CS7 = TermiosControlFlags(rawValue: 0x0000_0020)
    public static let CS8 = TermiosControlFlags(rawValue: 0x0000_0030)
    public static let CSTOPB = TermiosControlFlags(rawValue: 0x0000_0040)
    public static let CREAD = TermiosControlFlags(rawValue: 0x0000_0080)
    public static let PARENB = TermiosControlFlags(rawValue: 0x0000_0100)
    public static let PARODD = TermiosControlFlags(rawValue: 0x0000_0200)
    public static let HUPCL = TermiosControlFlags(rawValue: 0x0000_0400)
    public static let CLOCAL = TermiosControlFlags(rawValue: 0x0000_0800)
    public static let CBAUDEX = TermiosControlFlags(rawValue: 0x0000_1000)
    /// In CBAUD: the speed is in c_ispeed/c_ospeed (termios2).
    public static let BOTHER = TermiosControlFlags(rawValue: 0x0000_1000)
    public static let CIBAUD = TermiosControlFlags(rawValue: 0x100f_0000)
    public static let ADDRB = TermiosControlFlags(rawValue: 0x2000_0000)
    public static let CMSPAR = TermiosControlFlags(rawValue: 0x4000_0000)
    public static let CRTSCTS = TermiosControlFlags(rawValue: 0x8000_0000)

    /// CIBAUD holds an input speed code shifted left by this much (0 means "same as output").
    public static let IBSHIFT: UInt32 = 16

    /// The output speed code in CBAUD, if it is a known code.
    public var outputBaudRate: BaudRate? { BaudRate(rawValue: rawValue & TermiosControlFlags.CBAUD.rawValue) }
}

/// c_lflag bits.
public struct TermiosLocalFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ISIG = TermiosLocalFlags(rawValue: 0x00001)
    public static let ICANON = TermiosLocalFlags(rawValue: 0x00002)
    public static let XCASE = TermiosLocalFlags(rawValue: 0x00004)
    public static let ECHO = TermiosLocalFlags(rawValue: 0x00008)
    public static let ECHOE = TermiosLocalFlags(rawValue: 0x00010)
    public static let ECHOK = TermiosLocalFlags(rawValue: 0x00020)
    public static let ECHONL = TermiosLocalFlags(rawValue: 0x00040)
    public static let NOFLSH = TermiosLocalFlags(rawValue: 0x00080)
    public static let TOSTOP = TermiosLocalFlags(rawValue: 0x00100)
    public static let ECHOCTL = TermiosLocalFlags(rawValue: 0x00200)
    public static let ECHOPRT = TermiosLocalFlags(rawValue: 0x00400)
    public static let ECHOKE = TermiosLocalFlags(rawValue: 0x00800)
    public static let FLUSHO = TermiosLocalFlags(rawValue: 0x01000)
    public static let PENDIN = TermiosLocalFlags(rawValue: 0x04000)
    public static let IEXTEN = TermiosLocalFlags(rawValue: 0x08000)
    public static let EXTPROC = TermiosLocalFlags(rawValue: 0x10000)
}

/// Speed codes of the CBAUD field.
public enum BaudRate: UInt32, CaseIterable, Sendable {
    case B0 = 0x0, B50 = 0x1, B75 = 0x2, B110 = 0x3, B134 = 0x4, B150 = 0x5, B200 = 0x6, B300 = 0x7
    case B600 = 0x8, B1200 = 0x9, B1800 = 0xa, B2400 = 0xb, B4800 = 0xc, B9600 = 0xd, B19200 = 0xe
    case B38400 = 0xf
    case B57600 = 0x1001, B115200 = 0x1002, B230400 = 0x1003, B460800 = 0x1004, B500000 = 0x1005
    case B576000 = 0x1006, B921600 = 0x1007, B1000000 = 0x1008, B1152000 = 0x1009, B1500000 = 0x100a
    case B2000000 = 0x100b, B2500000 = 0x100c, B3000000 = 0x100d, B3500000 = 0x100e, B4000000 = 0x100f

    /// The speed in bits per second (B134 is 134.5 baud, reported as 134 like Linux's table).
    public var bitsPerSecond: UInt32 {
        switch self {
        case .B0: 0
        case .B50: 50
        case .B75: 75
        case .B110: 110
        case .B134: 134
        case .B150: 150
        case .B200: 200
        case .B300: 300
        case .B600: 600
        case .B1200: 1200
        case .B1800: 1800
        case .B2400: 2400
        case .B4800: 4800
        case .B9600: 9600
        case .B19200: 19200
        case .B38400: 38400
        case .B57600: 57600
        case .B115200: 115_200
        case .B230400: 230_400
        case .B460800: 460_800
        case .B500000: 500_000
        case .B576000: 576_000
        case .B921600: 921_600
        case .B1000000: 1_000_000
        case .B1152000: 1_152_000
        case .B1500000: 1_500_000
        case .B2000000: 2_000_000
        case .B2500000: 2_500_000
        case .B3000000: 3_000_000
        case .B3500000: 3_500_000
        case .B4000000: 4_000_000
        }
    }
}

/// Indices into c_cc.
public enum ControlCharacter: Int, CaseIterable, Sendable {
    case VINTR = 0
    case VQUIT = 1
    case VERASE = 2
    case VKILL = 3
    case VEOF = 4
    case VTIME = 5
    case VMIN = 6
    case VSWTC = 7
    case VSTART = 8
    case VSTOP = 9
    case VSUSP = 10
    case VEOL = 11
    case VREPRINT = 12
    case VDISCARD = 13
    case VWERASE = 14
    case VLNEXT = 15
    case VEOL2 = 16
}

/// The kernel's struct termios, and termios2 when `speeds` are included.
public struct Termios: LinuxStruct, Equatable {
    /// c_cc entries in the kernel's structs (glibc's has 32).
    public static let NCCS = 19
    public static let size = 36
    public static let termios2Size = 44

    public var inputFlags: TermiosInputFlags
    public var outputFlags: TermiosOutputFlags
    public var controlFlags: TermiosControlFlags
    public var localFlags: TermiosLocalFlags
    public var lineDiscipline: UInt8
    /// Exactly NCCS bytes (encode pads or cuts to that).
    public var controlCharacters: [UInt8]
    /// termios2 only: c_ispeed and c_ospeed in bits per second.
    public var inputSpeed: UInt32 = 0
    public var outputSpeed: UInt32 = 0

    public init(inputFlags: TermiosInputFlags, outputFlags: TermiosOutputFlags, controlFlags: TermiosControlFlags,
                localFlags: TermiosLocalFlags, lineDiscipline: UInt8 = 0, controlCharacters: [UInt8]) {
        self.inputFlags = inputFlags
        self.outputFlags = outputFlags
        self.controlFlags = controlFlags
        self.localFlags = localFlags
        self.lineDiscipline = lineDiscipline
        self.controlCharacters = controlCharacters
    }

    public subscript(character: ControlCharacter) -> UInt8 {
        get { character.rawValue < controlCharacters.count ? controlCharacters[character.rawValue] : 0 }
        set {
            if controlCharacters.count < Termios.NCCS {
                controlCharacters += [UInt8](repeating: 0, count: Termios.NCCS - controlCharacters.count)
            }
            controlCharacters[character.rawValue] = newValue
        }
    }

    /// What a new Linux terminal starts with (tty_std_termios and INIT_C_CC): cooked mode with
    /// echo, CR to NL on input, NL to CR NL on output, 38400 baud 8N1, ^C ^\ DEL ^U ^D ... keys.
    public static let linuxDefault = Termios(
        inputFlags: [.ICRNL, .IXON], outputFlags: [.OPOST, .ONLCR],
        controlFlags: TermiosControlFlags(rawValue: BaudRate.B38400.rawValue).union([.CS8, .CREAD, .HUPCL]),
        localFlags: [.ISIG, .ICANON, .ECHO, .ECHOE, .ECHOK, .ECHOCTL, .ECHOKE, .IEXTEN],
        controlCharacters: [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0])

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(inputFlags.rawValue)
        writer.appendU32(outputFlags.rawValue)
        writer.appendU32(controlFlags.rawValue)
        writer.appendU32(localFlags.rawValue)
        writer.appendU8(lineDiscipline)
        writer.appendBytes(Array(controlCharacters.prefix(Termios.NCCS)))
        writer.appendZeros(Termios.NCCS - min(Termios.NCCS, controlCharacters.count))
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        inputFlags = TermiosInputFlags(rawValue: try reader.readU32())
        outputFlags = TermiosOutputFlags(rawValue: try reader.readU32())
        controlFlags = TermiosControlFlags(rawValue: try reader.readU32())
        localFlags = TermiosLocalFlags(rawValue: try reader.readU32())
        lineDiscipline = try reader.readU8()
        controlCharacters = try reader.readBytes(Termios.NCCS)
    }

    /// The 44-byte struct termios2.
    public func encodedAsTermios2() -> [UInt8] {
        var writer = ByteWriter(capacity: Termios.termios2Size)
        encode(into: &writer)
        writer.appendU32(inputSpeed)
        writer.appendU32(outputSpeed)
        return writer.bytes
    }

    public init(decodingTermios2 bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        try self.init(decoding: &reader)
        inputSpeed = try reader.readU32()
        outputSpeed = try reader.readU32()
    }
}

/// struct winsize (TIOCGWINSZ/TIOCSWINSZ).
public struct Winsize: LinuxStruct, Equatable {
    public static let size = 8

    public var rows: UInt16
    public var columns: UInt16
    public var pixelWidth: UInt16
    public var pixelHeight: UInt16

    public init(rows: UInt16, columns: UInt16, pixelWidth: UInt16 = 0, pixelHeight: UInt16 = 0) {
        self.rows = rows
        self.columns = columns
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
    }

    public func encode(into writer: inout ByteWriter) {
        for value in [rows, columns, pixelWidth, pixelHeight] { writer.appendU16(value) }
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        rows = try reader.readU16()
        columns = try reader.readU16()
        pixelWidth = try reader.readU16()
        pixelHeight = try reader.readU16()
    }
}
