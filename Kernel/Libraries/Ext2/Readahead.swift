// Readahead for one file's page cache: which pages to load when a read finds a page missing.
// A miss right where the previous load ended (or at the start of the file) is a sequential
// read: the window doubles, from `initialPages` up to `maximumPages` (256 pages, 1 MiB: a few
// block-layer requests, all in flight together), and that many pages are loaded past the miss in one go, so a reader
// moving through the file finds the next pages resident and waits for the device once per
// window. A miss anywhere else is a random read: only the requested pages are loaded and the
// window closes. Loading happens on a miss only (never on a hit), so a sequential reader issues
// requests of a whole window, not one page at a time at the window's edge.
// Pure logic (no kernel types) so that host tests can drive it.

public struct ReadaheadWindow: Sendable, Equatable {
    public static let initialPages = 4
    public static let maximumPages = 256

    /// The page after the last one loaded: a miss there continues a sequential read.
    public private(set) var nextPage = 0
    /// The current window (0: the last miss was random).
    public private(set) var windowPages = 0

    public init() {}

    /// A read of the pages `requested` found page `missing` (inside `requested`) absent. Returns
    /// the pages to load: from `missing` through the end of the request, and through the window
    /// for a sequential read, never at or past `filePages`.
    public mutating func pagesToLoad(missing: Int, requested: Range<Int>, filePages: Int) -> Range<Int> {
        let isSequential = missing == 0 || missing == nextPage
        windowPages = isSequential ? min(max(windowPages * 2, Self.initialPages), Self.maximumPages) : 0
        let (windowEnd, overflow) = missing.addingReportingOverflow(windowPages)
        let end = min(filePages, max(requested.upperBound, overflow ? Int.max : windowEnd))
        let loaded = missing..<max(end, missing)
        nextPage = loaded.upperBound
        return loaded
    }
}
