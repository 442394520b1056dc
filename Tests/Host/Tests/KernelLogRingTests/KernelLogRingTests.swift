// Unit tests of the kernel log ring: sequence numbers, dropping the oldest records at capacity,
// the /dev/kmsg and syslog(2) text forms, READ_ALL's newest-that-fit rule and the clear mark,
// READ's consuming cursor with partial records, SIZE_UNREAD, and /dev/kmsg's "<N>" prefix.
import Testing
import KernelLogRing

private func text(_ string: String) -> [UInt8] { Array(string.utf8) }

@Test func numbersRecordsFromZero() {
    var ring = KernelLogRing(capacityBytes: 4096)
    ring.append(priority: 6, microseconds: 5, text: text("one"))
    ring.append(priority: 3, microseconds: 7, text: text("two"))
    #expect(ring.firstSequence == 0 && ring.nextSequence == 2 && ring.count == 2)
    #expect(ring.lookup(1) == .record(KernelLogRecord(sequence: 1, priority: 3, microseconds: 7, text: text("two"))))
    #expect(ring.lookup(2) == .notYet)
}

@Test func dropsTheOldestAtCapacity() {
    var ring = KernelLogRing(capacityBytes: 0)   // raised to one maximal record
    let big = [UInt8](repeating: 65, count: 600)
    ring.append(priority: 6, microseconds: 1, text: big)
    ring.append(priority: 6, microseconds: 2, text: big)
    #expect(ring.count == 1 && ring.firstSequence == 1)
    #expect(ring.lookup(0) == .overwritten(oldest: 1))
    for _ in 0..<500 { ring.append(priority: 6, microseconds: 3, text: text("x")) }
    #expect(ring.nextSequence == 502)
    if case .record(let last) = ring.lookup(501) { #expect(last.text == text("x")) } else { Issue.record("newest is held") }
}

@Test func cutsLongTexts() {
    var ring = KernelLogRing(capacityBytes: 1 << 16)
    ring.append(priority: 6, microseconds: 0, text: [UInt8](repeating: 66, count: 5000))
    guard case .record(let record) = ring.lookup(0) else { Issue.record("held"); return }
    #expect(record.text.count == KernelLogRing.maximumTextBytes)
}

@Test func formatsKmsgLinesWithEscapes() {
    let record = KernelLogRecord(sequence: 12, priority: 14, microseconds: 1_234_567, text: text("a\\b\tc"))
    #expect(KernelLogRing.kmsgLine(record) == text("14,12,1234567,-;a\\x5cb\\x09c\n"))
}

@Test func formatsSyslogLines() {
    let record = KernelLogRecord(sequence: 0, priority: 6, microseconds: 3_000_042, text: text("hello"))
    #expect(KernelLogRing.syslogLine(record) == text("<6>[    3.000042] hello\n"))
}

@Test func readAllGivesTheNewestThatFitAndHonoursClear() {
    var ring = KernelLogRing(capacityBytes: 4096)
    for index in 0..<3 { ring.append(priority: 6, microseconds: 0, text: text("m\(index)")) }
    let line = KernelLogRing.syslogLine(KernelLogRecord(sequence: 0, priority: 6, microseconds: 0, text: text("m0"))).count
    #expect(ring.readAll(limit: 2 * line + 1, clearing: .keep) == KernelLogRing.syslogLine(
        KernelLogRecord(sequence: 1, priority: 6, microseconds: 0, text: text("m1"))) + KernelLogRing.syslogLine(
        KernelLogRecord(sequence: 2, priority: 6, microseconds: 0, text: text("m2"))))
    #expect(ring.readAll(limit: 1000, clearing: .clear).count == 3 * line)
    #expect(ring.readAll(limit: 1000, clearing: .keep).isEmpty)
    ring.append(priority: 6, microseconds: 0, text: text("m3"))
    #expect(ring.readAll(limit: 1000, clearing: .keep).count == line)
    #expect(ring.clearSequence == 3)
}

@Test func readConsumesWithPartialRecords() {
    var ring = KernelLogRing(capacityBytes: 4096)
    ring.append(priority: 6, microseconds: 0, text: text("abcdef"))
    let whole = KernelLogRing.syslogLine(KernelLogRecord(sequence: 0, priority: 6, microseconds: 0, text: text("abcdef")))
    #expect(ring.unreadBytes == whole.count)
    let first = ring.readUnread(limit: 5)
    #expect(first == Array(whole[0..<5]))
    #expect(ring.unreadBytes == whole.count - 5 && ring.hasUnread)
    let rest = ring.readUnread(limit: 1000)
    #expect(first + rest == whole)
    #expect(!ring.hasUnread && ring.unreadBytes == 0 && ring.readUnread(limit: 10).isEmpty)
}

@Test func parsesUserPriorities() {
    #expect(KernelLogUserMessage.parse(text("hello\n")) == (12, text("hello")))
    #expect(KernelLogUserMessage.parse(text("<3>bad")) == (11, text("bad")))
    #expect(KernelLogUserMessage.parse(text("<30>daemon")) == (30, text("daemon")))
    #expect(KernelLogUserMessage.parse(text("<x>odd")) == (12, text("<x>odd")))
    #expect(KernelLogUserMessage.parse(text("<5")) == (12, text("<5")))
}
