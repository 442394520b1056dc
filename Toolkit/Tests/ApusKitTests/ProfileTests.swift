// Tests of `apus bench --profile`'s pure parts: reading the plugin's windows, finding the function
// that holds an address, and attributing a window to functions and call sites per operation.

import Foundation
import Testing
@testable import ApusKit

@Test func readsEveryWindowOfThePluginOutput() {
    let text = """
        window 0 total 1200
        i 401000 200
        i 7f8000001000 1000
        s 7f8000001004 7f8000002000 10 300 300
        end
        window 1 total 5
        i 401000 5
        end
        window 2 total 7
        """
    let windows = ProfileWindow.parse(text)
    #expect(windows.count == 2)
    #expect(windows[0].total == 1200)
    #expect(windows[0].instructions == [0x401000: 200, 0x7f80_0000_1000: 1000])
    #expect(windows[0].sites == [ProfileSite(site: 0x7f80_0000_1004, callee: 0x7f80_0000_2000, calls: 10, inclusive: 300, outermost: 300)])
    #expect(windows[1].instructions == [0x401000: 5])
}

@Test func findsTheFunctionHoldingAnAddress() {
    let listing = """
        ffffffff81000000 T _stext
        ffffffff81000100 t helper
        ffffffff81000200 D some_data
        0000000000001000 T below_the_kernel
        ffffffff81000300 W weak_one
        """
    let symbols = ProfileSymbols(ProfileSymbols.parseSymbolList(listing, lowest: 0xffff_8000_0000_0000))
    #expect(symbols.functions.map(\.name) == ["_stext", "helper", "weak_one"])
    #expect(symbols.function(containing: 0xffff_ffff_8100_0150)?.name == "helper")
    #expect(symbols.function(containing: 0xffff_ffff_8100_0300)?.name == "weak_one")
    #expect(symbols.function(containing: 0xffff_ffff_80ff_ffff) == nil)
    #expect(symbols.name(at: 0xffff_ffff_8100_0100) == "helper")
    #expect(symbols.name(at: 0xffff_ffff_8100_0101) == nil)
}

@Test func attributesAWindowPerOperation() {
    let symbols = ProfileSymbols([.init(start: 0x7f80_0000_1000, name: "dispatch"), .init(start: 0x7f80_0000_2000, name: "swift_release")])
    var window = ProfileWindow()
    window.total = 3000
    window.instructions = [0x401000: 200, 0x7f80_0000_1000: 100, 0x7f80_0000_1004: 900, 0x7f80_0000_2000: 300, 0x7f80_0000_2001: 1500]
    window.sites = [
        ProfileSite(site: 0x7f80_0000_1004, callee: 0x7f80_0000_2000, calls: 200, inclusive: 1200, outermost: 1200),
        ProfileSite(site: 0x7f80_0000_1010, callee: 0x7f80_0000_2000, calls: 100, inclusive: 600, outermost: 600),
    ]
    let breakdown = ProfileBreakdown(window: window, operations: 100, symbols: symbols, kernelStart: 0x7e00_0000_0000)
    #expect(breakdown.totalPerOp == 30 && breakdown.kernelPerOp == 28 && breakdown.userPerOp == 2)
    #expect(breakdown.rows.map(\.name) == ["swift_release", "dispatch"])
    #expect(breakdown.rows[0] == .init(name: "swift_release", start: 0x7f80_0000_2000, selfPerOp: 18, callsPerOp: 3, inclusivePerOp: 18))
    #expect(breakdown.rows[1].inclusivePerOp == nil)
    #expect(breakdown.callSites == [.init(site: 0x7f80_0000_1004, siteCount: 2, caller: "dispatch", callee: "swift_release", callsPerOp: 3, inclusivePerOp: 18)])
    let traffic = breakdown.callsPerOp(matching: ["swift_release", "swift_retain"])
    #expect(traffic[0].calls == 3 && traffic[0].instructions == 18 && traffic[1].calls == 0)
}

@Test func readsBenchProfileLinesAndRelativeSourceLocations() {
    let console = "BENCH_BEGIN fstat\r\nBENCH_PROFILE fstat ops=2000\r\nBENCH fstat 4615.0 ns lower n=2000\r\nBENCH_PROFILE poll_100 ops=200\n"
    let profiled = ProfileRunner.profiledBenchmarks(console: console)
    #expect(profiled.map(\.0) == ["fstat", "poll_100"] && profiled.map(\.1) == [2000, 200])
    #expect(SourceLocator.relative("/work/main/Kernel/A/B.swift:12:5", root: "/work/main") == "Kernel/A/B.swift:12")
    #expect(SourceLocator.relative("/<compiler-generated>:0:0", root: "/work/main") == "/<compiler-generated>:0")
}
