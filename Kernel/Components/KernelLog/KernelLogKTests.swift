// In-kernel tests of the kernel log: Log's messages reach the one ring with their syslog level
// whatever the console shows, the ring drops its oldest records at capacity and readers learn
// it, the syslog(2) actions' argument checks and console-level rules, and dmesg_restrict's range.
// What user programs see through syslog(2) and /dev/kmsg is tested in Tests/User/proc/kmsg.c.

#if KTEST
import Framework
import KernelLogRing
import LinuxABI

public func registerKernelLogKTests() {
    KTest.test("kernellog.messages_reach_the_ring") { t in
        let before = KernelLogBuffer.withRing { $0.nextSequence }
        Log.info("kernellog ktest info line")
        Log.error("kernellog ktest error line")
        let records = KernelLogBuffer.withRing { ring -> [KernelLogRecord] in
            var found: [KernelLogRecord] = []
            var sequence = before
            while case .record(let record) = ring.lookup(sequence) {
                found.append(record)
                sequence += 1
            }
            return found
        }
        let ours = records.filter { $0.text == Array("kernellog ktest info line".utf8) || $0.text == Array("kernellog ktest error line".utf8) }
        t.expectEqual(ours.count, 2, "both messages are recorded")
        t.expectEqual(ours.first?.level ?? 0, 6, "info is KERN_INFO")
        t.expectEqual(ours.last?.level ?? 0, 3, "error is KERN_ERR")
        t.expect((ours.first?.sequence ?? 0) < (ours.last?.sequence ?? 0), "in order")
    }

    KTest.test("kernellog.ring_drops_oldest_for_readers") { t in
        var ring = KernelLogRing(capacityBytes: 4096)
        for index in 0..<200 { ring.append(priority: 6, microseconds: UInt64(index), text: Array("record \(index)".utf8)) }
        t.expectEqual(ring.nextSequence, 200)
        t.expect(ring.firstSequence > 0, "the oldest records were dropped")
        t.expectEqual(ring.lookup(0), .overwritten(oldest: ring.firstSequence), "a reader at 0 learns of the overrun")
        if case .record(let newest) = ring.lookup(199) {
            t.expectEqual(newest.text, Array("record 199".utf8), "the newest is held")
        } else {
            t.require(false, "the newest record is held")
        }
        t.expect(ring.readAll(limit: 100_000, clearing: .keep).count <= 4096, "READ_ALL gives only what is held")
    }

    KTest.test("kernellog.syslog_argument_checks") { t in
        t.expectEqual(Result { () throws(Errno) in try Syslog.perform(type: 11, buffer: 0, length: 0) }.errorValue, .EINVAL)
        t.expectEqual(Result { () throws(Errno) in try Syslog.perform(type: 3, buffer: 0, length: 10) }.errorValue, .EINVAL)
        t.expectEqual(Result { () throws(Errno) in try Syslog.perform(type: 3, buffer: 0x1000, length: -1) }.errorValue, .EINVAL)
        t.expectEqual(Result { () throws(Errno) in try Syslog.perform(type: 8, buffer: 0, length: 9) }.errorValue, .EINVAL)
        t.expectEqual(Result { () throws(Errno) in try Syslog.perform(type: 10, buffer: 0, length: 0) }.value, KernelLogBuffer.capacityBytes)
        let console = KernelLogBuffer.consoleLogLevel
        _ = try? Syslog.perform(type: 6, buffer: 0, length: 0)
        t.expectEqual(KernelLogBuffer.consoleLogLevel, KernelLog.minimumConsoleLogLevel, "CONSOLE_OFF")
        _ = try? Syslog.perform(type: 7, buffer: 0, length: 0)
        t.expectEqual(KernelLogBuffer.consoleLogLevel, console, "CONSOLE_ON restores")
        t.expect((try? KernelLog.setDmesgRestrict(2)) == nil, "dmesg_restrict is 0 or 1")
    }
}

extension Result {
    var errorValue: Failure? { if case .failure(let error) = self { error } else { nil } }
    var value: Success? { if case .success(let value) = self { value } else { nil } }
}
#endif
