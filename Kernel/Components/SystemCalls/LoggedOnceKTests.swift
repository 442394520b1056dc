// In-kernel tests of LoggedOnce, the guard that keeps unimplemented system calls and futex
// operations from flooding the console: a fuzzer calling numbers out of the table's range
// (-1, 1000, 2^31-1) over and over must get one line, not one per call.

#if KTEST
import Framework

public func registerLoggedOnceKTests() {
    KTest.test("syscalls.logged_once_in_range") { t in
        let logged = LoggedOnce(count: 8)
        t.expect(logged.isFirst(3), "the first report of a number is logged")
        t.expect(!logged.isFirst(3), "the second is not")
        t.expect(logged.isFirst(0), "another number is logged once too")
        t.expect(logged.isFirst(7), "the last number in range has its own place")
        t.expect(!logged.isFirst(7), "and is logged once")
    }

    KTest.test("syscalls.logged_once_out_of_range") { t in
        let logged = LoggedOnce(count: 8)
        t.expect(logged.isFirst(-1), "the first number out of range is logged")
        t.expect(!logged.isFirst(-1), "not again")
        t.expect(!logged.isFirst(8), "nor another number just past the range")
        t.expect(!logged.isFirst(Int(Int32.max)), "nor a far one")
        t.expect(!logged.isFirst(Int.min), "nor the most negative")
        t.expect(logged.isFirst(5), "numbers in range keep their own places")
    }
}
#endif
