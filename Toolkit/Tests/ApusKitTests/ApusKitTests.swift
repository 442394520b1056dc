import Foundation
import Testing
@testable import ApusKit

@Test func parsesTheLastSummaryLine() {
    let output = "test a ... ok\r\n3 passed, 1 failed\r\nnoise\n12 passed, 0 failed\n"
    let counts = TestCounts.parseSummary(output)
    #expect(counts?.passed == 12)
    #expect(counts?.failed == 0)
    #expect(TestCounts.parseSummary("no summary here") == nil)
    #expect(TestCounts.parseSummary("passed, failed") == nil)
}

@Test func decodesQEMUExitStatuses() {
    #expect(QEMUMachine.guestStatus(fromQEMUStatus: 0) == 0)
    #expect(QEMUMachine.guestStatus(fromQEMUStatus: 1) == 0)
    #expect(QEMUMachine.guestStatus(fromQEMUStatus: 3) == 1)
    #expect(QEMUMachine.guestStatus(fromQEMUStatus: 251) == 125)
    #expect(QEMUMachine.guestStatus(fromQEMUStatus: 124) == 124)
}

@Test func encodesTheSymbolTableSortedWithNames() {
    let symbols = [
        KernelSymbol(address: 0x7f80_0010_0000, size: 16, mangledName: "a", name: "first()"),
        KernelSymbol(address: 0x7f80_0010_0010, size: 32, mangledName: "b", name: "second()"),
    ]
    let data = SymbolTable.encode(symbols)
    let bytes = [UInt8](data)
    func word32(_ offset: Int) -> UInt32 { bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    #expect(word32(0) == 0x4D59_534B)
    #expect(word32(4) == 2)
    #expect(word32(8) == 16 + 2 * 12)
    #expect(word32(12) == 0x7f80)                       // the addresses' shared high half
    #expect(word32(16) == 0x0010_0000 && word32(28) == 0x0010_0010)
    let strings = bytes[Int(word32(8))...]
    #expect(String(decoding: strings.prefix(while: { $0 != 0 }), as: UTF8.self) == "first()")
}

@Test func symbolTableStoresARepeatedNameOnce() {
    let symbols = [
        KernelSymbol(address: 0x7f80_0010_0000, size: 16, mangledName: "a", name: "same()"),
        KernelSymbol(address: 0x7f80_0010_0010, size: 16, mangledName: "b", name: "other()"),
        KernelSymbol(address: 0x7f80_0010_0020, size: 16, mangledName: "c", name: "same()"),
    ]
    let bytes = [UInt8](SymbolTable.encode(symbols))
    func word32(_ offset: Int) -> UInt32 { bytes[offset..<offset + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    #expect(word32(16 + 4) == word32(16 + 2 * 12 + 4))     // both entries point at one string
    #expect(bytes.count == 16 + 3 * 12 + "same()".utf8.count + 1 + "other()".utf8.count + 1)
}

@Test func machineArgumentsAreOneConfiguration() {
    var machine = QEMUMachine(kernel: URL(fileURLWithPath: "/k.elf"), initrd: URL(fileURLWithPath: "/i.cpio"), commandLine: "log=debug")
    machine.clock = .instructionCounting
    let arguments = machine.arguments
    #expect(arguments.contains("-kernel"))
    #expect(arguments.contains("/i.cpio"))
    #expect(arguments.contains("shift=0,sleep=off"))
    #expect(arguments.contains(Dependencies.firmware))
}

@Test func symbolNamesDropNoiseWords() {
    #expect(SymbolTable.shorten("specialized static Polling.wait<A>(_:)") == "Polling.wait<A>(_:)")
    #expect(SymbolTable.shorten("closure #1 in static UserLoop.run(_:)") == "closure #1 in UserLoop.run(_:)")
    #expect(SymbolTable.shorten(String(repeating: "x", count: 200)).count == 120)
}
