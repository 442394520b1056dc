// The kernel log's ring buffer (Linux's printk ring, read through syslog(2) and /dev/kmsg).
//
// Records carry a sequence number that never repeats, a facility and level (syslog(3)'s
// priority: facility << 3 | level), the time since boot in microseconds and one line of text.
// The ring holds at most `capacityBytes` of records (each costs its text plus a fixed header, as
// Linux's record descriptors do); appending past that drops the oldest. Readers keep their own
// sequence number: a reader whose next record was dropped learns it (`.overwritten`) and
// continues at the oldest record still held, as /dev/kmsg's EPIPE does.
//
// Three cursors belong to the ring itself, as in Linux's printk.c: the syslog(2) reader's
// (SYSLOG_ACTION_READ consumes, with a partial record remembered across calls), the clear mark
// (SYSLOG_ACTION_CLEAR: READ_ALL and /dev/kmsg's SEEK_DATA start after it), and the next number.
// Pure logic without locks: the kernel keeps one ring behind a spin lock.

public struct KernelLogRecord: Equatable, Sendable {
    public var sequence: UInt64
    /// syslog(3) priority: facility << 3 | level (kernel messages have facility 0).
    public var priority: UInt16
    public var microseconds: UInt64
    public var text: [UInt8]

    public init(sequence: UInt64, priority: UInt16, microseconds: UInt64, text: [UInt8]) {
        self.sequence = sequence
        self.priority = priority
        self.microseconds = microseconds
        self.text = text
    }

    public var level: UInt8 { UInt8(priority & 7) }
}

public enum KernelLogLookup: Equatable, Sendable {
    case record(KernelLogRecord)
    /// The record asked for was dropped; the oldest held has this sequence number.
    case overwritten(oldest: UInt64)
    /// No record with that number yet.
    case notYet
}

public struct KernelLogRing: Sendable {
    /// Linux's LOG_LINE_MAX: longer texts are cut.
    public static let maximumTextBytes = 1024 - 32
    /// What one record costs beyond its text (sequence, time, priority, length).
    public static let recordHeaderBytes = 24

    public let capacityBytes: Int
    var records: [KernelLogRecord] = []
    /// Index in `records` of the oldest record still held (the ones before are dropped).
    var head = 0
    var usedBytes = 0
    public private(set) var nextSequence: UInt64 = 0
    public private(set) var clearSequence: UInt64 = 0
    /// SYSLOG_ACTION_READ's position and how many bytes of that record's text form it has given.
    public private(set) var syslogSequence: UInt64 = 0
    var syslogPartialBytes = 0

    public init(capacityBytes: Int) {
        self.capacityBytes = max(capacityBytes, Self.recordHeaderBytes + Self.maximumTextBytes)
    }

    public var firstSequence: UInt64 { head < records.count ? records[head].sequence : nextSequence }
    public var count: Int { records.count - head }

    static func cost(_ record: KernelLogRecord) -> Int { record.text.count + recordHeaderBytes }

    public mutating func append(priority: UInt16, microseconds: UInt64, text: [UInt8]) {
        var text = text
        if text.count > Self.maximumTextBytes { text.removeLast(text.count - Self.maximumTextBytes) }
        let record = KernelLogRecord(sequence: nextSequence, priority: priority, microseconds: microseconds, text: text)
        nextSequence += 1
        usedBytes += Self.cost(record)
        records.append(record)
        while usedBytes > capacityBytes && head < records.count {
            usedBytes -= Self.cost(records[head])
            head += 1
        }
        // Compact once the dropped prefix outweighs what is held: appends stay amortized O(1).
        if head > 64 && head * 2 > records.count {
            records.removeFirst(head)
            head = 0
        }
        if syslogSequence < firstSequence {
            syslogSequence = firstSequence
            syslogPartialBytes = 0
        }
    }

    public func lookup(_ sequence: UInt64) -> KernelLogLookup {
        if sequence >= nextSequence { return .notYet }
        let first = firstSequence
        if sequence < first { return .overwritten(oldest: first) }
        return .record(records[head + Int(sequence - first)])
    }

    /// SYSLOG_ACTION_CLEAR: READ_ALL and SEEK_DATA start after what is held now.
    public mutating func clear() { clearSequence = nextSequence }

    // MARK: formats

    /// /dev/kmsg's form: "priority,sequence,microseconds,-;text\n", with bytes that are not
    /// printable ASCII (and the backslash) written as \xNN.
    public static func kmsgLine(_ record: KernelLogRecord) -> [UInt8] {
        var line = Array("\(record.priority),\(record.sequence),\(record.microseconds),-;".utf8)
        let hex = Array("0123456789abcdef".utf8)
        for byte in record.text {
            if byte < 0x20 || byte >= 0x7f || byte == UInt8(ascii: "\\") {
                line += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            } else {
                line.append(byte)
            }
        }
        line.append(10)
        return line
    }

    /// syslog(2)'s form: "<priority>[seconds.micros] text\n" (seconds padded to 5 as printk).
    public static func syslogLine(_ record: KernelLogRecord) -> [UInt8] {
        let seconds = String(record.microseconds / 1_000_000)
        let fraction = String(record.microseconds % 1_000_000)
        let secondsPadding = String(repeating: " ", count: max(0, 5 - seconds.utf8.count))
        let fractionPadding = String(repeating: "0", count: max(0, 6 - fraction.utf8.count))
        return Array("<\(record.priority)>[\(secondsPadding)\(seconds).\(fractionPadding)\(fraction)] ".utf8) + record.text + [10]
    }

    // MARK: syslog(2)

    /// SYSLOG_ACTION_READ_ALL (and READ_CLEAR): the newest records since the clear mark that fit
    /// in `limit` bytes, whole records only, oldest first.
    public mutating func readAll(limit: Int, clearing: KernelLogClearing) -> [UInt8] {
        let start = max(clearSequence, firstSequence)
        var lines: [[UInt8]] = []
        var total = 0
        var sequence = nextSequence
        while sequence > start {
            sequence -= 1
            guard case .record(let record) = lookup(sequence) else { break }
            let line = Self.syslogLine(record)
            if total + line.count > limit { break }
            total += line.count
            lines.append(line)
        }
        if clearing == .clear { clear() }
        var text: [UInt8] = []
        text.reserveCapacity(total)
        for line in lines.reversed() { text += line }
        return text
    }

    /// SYSLOG_ACTION_READ: consumes from the syslog cursor up to `limit` bytes; a record too big
    /// for what is left is given in pieces across calls. Empty when nothing is unread.
    public mutating func readUnread(limit: Int) -> [UInt8] {
        var text: [UInt8] = []
        while text.count < limit, case .record(let record) = lookup(syslogSequence) {
            let line = Self.syslogLine(record)
            let rest = line.count - syslogPartialBytes
            let room = limit - text.count
            if rest <= room {
                text += line[syslogPartialBytes...]
                syslogSequence += 1
                syslogPartialBytes = 0
            } else {
                text += line[syslogPartialBytes..<(syslogPartialBytes + room)]
                syslogPartialBytes += room
            }
        }
        return text
    }

    public var hasUnread: Bool { syslogSequence < nextSequence }

    /// SYSLOG_ACTION_SIZE_UNREAD: the bytes SYSLOG_ACTION_READ would give now.
    public var unreadBytes: Int {
        var total = -syslogPartialBytes
        var sequence = syslogSequence
        while case .record(let record) = lookup(sequence) {
            total += Self.syslogLine(record).count
            sequence += 1
        }
        return max(0, total)
    }
}

/// Whether SYSLOG_ACTION_READ_ALL also sets the clear mark (READ_CLEAR).
public enum KernelLogClearing: Sendable {
    case keep
    case clear
}

/// Parses what a program writes to /dev/kmsg: an optional "<N>" prefix gives the priority
/// (facility 0, the kernel's, is not taken from user space: it becomes LOG_USER, 1), else
/// LOG_USER with the default message level 4; one trailing newline is dropped.
public enum KernelLogUserMessage {
    public static let defaultLevel: UInt16 = 4
    public static let userFacility: UInt16 = 1

    public static func parse(_ bytes: [UInt8]) -> (priority: UInt16, text: [UInt8]) {
        var text = bytes[...]
        var level = defaultLevel
        var facility = userFacility
        if text.first == UInt8(ascii: "<") {
            var value: UInt32 = 0
            var index = text.startIndex + 1
            var digits = 0
            while index < text.endIndex, text[index] >= 0x30, text[index] <= 0x39, digits < 9 {
                value = value * 10 + UInt32(text[index] - 0x30)
                index += 1
                digits += 1
            }
            if digits > 0, index < text.endIndex, text[index] == UInt8(ascii: ">") {
                level = UInt16(value & 7)
                let parsedFacility = (value >> 3) & 0xff
                if parsedFacility != 0 { facility = UInt16(parsedFacility) }
                text = text[(index + 1)...]
            }
        }
        if text.last == 10 { text = text.dropLast() }
        return (facility << 3 | level, Array(text))
    }
}
