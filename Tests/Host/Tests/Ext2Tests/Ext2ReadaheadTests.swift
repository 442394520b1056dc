// The readahead window of the ext2 page cache (Libraries/Ext2/Readahead.swift): sequential
// misses grow the window to its maximum, a random miss loads only what was asked, and nothing
// is loaded past the end of the file.
import Ext2
import Testing

@Test func sequentialMissesDoubleTheWindowUpToTheMaximum() {
    var window = ReadaheadWindow()
    // One-page reads of a large file from the start: loads at 0, 4, 12, 28, 60, 124, 252, 508...
    #expect(window.pagesToLoad(missing: 0, requested: 0..<1, filePages: 10_000) == 0..<4)
    #expect(window.pagesToLoad(missing: 4, requested: 4..<5, filePages: 10_000) == 4..<12)
    #expect(window.pagesToLoad(missing: 12, requested: 12..<13, filePages: 10_000) == 12..<28)
    #expect(window.pagesToLoad(missing: 28, requested: 28..<29, filePages: 10_000) == 28..<60)
    #expect(window.pagesToLoad(missing: 60, requested: 60..<61, filePages: 10_000) == 60..<124)
    #expect(window.pagesToLoad(missing: 124, requested: 124..<125, filePages: 10_000) == 124..<252)
    #expect(window.pagesToLoad(missing: 252, requested: 252..<253, filePages: 10_000) == 252..<508)
    #expect(window.windowPages == ReadaheadWindow.maximumPages)
    #expect(window.pagesToLoad(missing: 508, requested: 508..<509, filePages: 10_000) == 508..<764)
}

@Test func aRandomMissLoadsOnlyTheRequestAndClosesTheWindow() {
    var window = ReadaheadWindow()
    _ = window.pagesToLoad(missing: 0, requested: 0..<1, filePages: 1000)
    #expect(window.pagesToLoad(missing: 500, requested: 500..<502, filePages: 1000) == 500..<502)
    #expect(window.windowPages == 0)
    // Reading on from there is sequential again and starts with the initial window.
    #expect(window.pagesToLoad(missing: 502, requested: 502..<503, filePages: 1000) == 502..<506)
}

@Test func aLargeRequestIsLoadedWholeEvenPastTheWindow() {
    var window = ReadaheadWindow()
    #expect(window.pagesToLoad(missing: 0, requested: 0..<100, filePages: 1000) == 0..<100)
    #expect(window.pagesToLoad(missing: 100, requested: 100..<300, filePages: 1000) == 100..<300)
}

@Test func nothingIsLoadedPastTheEndOfTheFile() {
    var window = ReadaheadWindow()
    #expect(window.pagesToLoad(missing: 0, requested: 0..<1, filePages: 2) == 0..<2)
    #expect(window.pagesToLoad(missing: 2, requested: 2..<3, filePages: 2) == 2..<2)
    #expect(window.pagesToLoad(missing: Int.max - 1, requested: (Int.max - 1)..<Int.max, filePages: Int.max) == (Int.max - 1)..<Int.max)
}
