// Randomized model test: thousands of random edits and queries, each checked against a
// page-granular reference model (one optional payload per page). Because the test payload merges
// transitively, the map's regions must equal the maximal runs of mergeable pages of the model: the
// whole layout is compared after every step. Deterministic: a fixed-seed SplitMix64, not the
// system generator.
import Testing
import RegionMap

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence on every machine.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: UInt64) -> UInt64 { next() % bound }
    mutating func chance(_ percent: UInt64) -> Bool { below(100) < percent }
}

/// The reference: page number -> payload of that single page.
struct PageModel {
    static let pageCount: UInt64 = 272
    static let firstUsable: UInt64 = 4
    static let endUsable: UInt64 = 260
    var pages: [Mapping?] = Array(repeating: nil, count: Int(pageCount))

    subscript(pageNumber: UInt64) -> Mapping? {
        get { pages[Int(pageNumber)] }
        set { pages[Int(pageNumber)] = newValue }
    }

    func isFree(_ range: Range<UInt64>) -> Bool { range.allSatisfy { self[$0] == nil } }

    /// Maximal runs of pages that the payload says may merge.
    func canonicalLayout() -> [MappedRegion<Mapping>] {
        var regions: [MappedRegion<Mapping>] = []
        for number in 0..<Self.pageCount {
            guard let state = self[number] else { continue }
            if let last = regions.last, last.range.upperBound == number * page,
               self[number - 1]!.canMerge(with: state, distance: page) {
                regions[regions.count - 1].range = last.range.lowerBound..<((number + 1) * page)
            } else {
                regions.append(MappedRegion(range: (number * page)..<((number + 1) * page), payload: state))
            }
        }
        return regions
    }

    /// Whether a mapping of `length` pages at page `start` fits: in bounds, free, and ending
    /// `guardPages` below any stack that follows.
    func fits(start: UInt64, length: UInt64, floor: UInt64, guardPages: UInt64) -> Bool {
        guard start >= floor, start + length <= Self.endUsable, isFree(start..<(start + length)) else { return false }
        var next = start + length
        while next < Self.pageCount && self[next] == nil { next += 1 }
        guard next < Self.pageCount, self[next]!.isStack else { return true }
        return next - (start + length) >= guardPages
    }
}

/// Per-page payloads of a list of regions.
func pageStates(_ regions: [MappedRegion<Mapping>]) -> [(UInt64, Mapping)] {
    regions.flatMap { region in
        (region.range.lowerBound / page..<region.range.upperBound / page).map { number in
            (number, region.payload.split(at: number * page - region.range.lowerBound).1)
        }
    }
}

private struct Harness {
    var random: SplitMix64
    var map: RegionMap<Mapping>
    var model = PageModel()
    var counts: [String: Int] = [:]

    init(seed: UInt64, chunkCapacity: Int = RegionMap<Mapping>.defaultChunkCapacity) {
        random = SplitMix64(state: seed)
        map = try! RegionMap<Mapping>(bounds: pages(PageModel.firstUsable, PageModel.endUsable), chunkCapacity: chunkCapacity)
    }

    mutating func randomRange() -> Range<UInt64> {
        let start = random.below(PageModel.pageCount - 8)
        let length = random.chance(80) ? 1 + random.below(12) : 1 + random.below(80)
        var range = (start * page)..<(Swift.min(start + length, PageModel.pageCount) * page)
        if random.chance(3) { range = range.lowerBound..<(range.upperBound - 8) }       // unaligned
        if random.chance(2) { range = range.lowerBound..<range.lowerBound }             // empty
        return range
    }

    mutating func randomPayload(at address: UInt64) -> Mapping {
        let protection = UInt8(1 + random.below(3))
        var payload: Mapping
        switch random.below(4) {
        case 0, 1: payload = anonymous(at: address, protection: protection)
        case 2: payload = file(UInt32(1 + random.below(2)), offset: address, protection: protection)
        default: payload = file(UInt32(1 + random.below(2)), offset: random.below(8) * page, protection: protection)
        }
        payload.isStack = random.chance(5)
        return payload
    }

    /// The error the map must throw for an edit of `range`, if any, apart from overlap.
    func validationError(_ range: Range<UInt64>) -> RegionError? {
        if range.lowerBound % page != 0 || range.upperBound % page != 0 { return .unaligned }
        if range.isEmpty { return .empty }
        if range.lowerBound < PageModel.firstUsable * page || range.upperBound > PageModel.endUsable * page {
            return .outOfBounds
        }
        return nil
    }

    func pageNumbers(_ range: Range<UInt64>) -> Range<UInt64> { (range.lowerBound / page)..<(range.upperBound / page) }

    func mappedStates(in range: Range<UInt64>) -> [(UInt64, Mapping)] {
        pageNumbers(range).compactMap { number in model[number].map { (number, $0) } }
    }

    mutating func record(_ name: String) { counts[name, default: 0] += 1 }

    mutating func step() {
        switch random.below(100) {
        case 0..<30: insertStep()
        case 30..<45: removeStep()
        case 45..<60: updateStep()
        case 60..<68: replaceStep()
        case 68..<76: extendStep()
        case 76..<90: findFreeStep()
        default: queryStep()
        }
        let expected = model.canonicalLayout()
        #expect(Array(map) == expected)
        #expect(map.count == expected.count)
        #expect(map.mappedBytes == UInt64(model.pages.compactMap { $0 }.count) * page)
    }

    mutating func insertStep() {
        let range = randomRange()
        let payload = randomPayload(at: range.lowerBound)
        let expectedError = validationError(range) ?? (model.isFree(pageNumbers(range)) ? nil : .overlap)
        do {
            let region = try map.insert(range, payload)
            #expect(expectedError == nil)
            #expect(region.range.lowerBound <= range.lowerBound && range.upperBound <= region.range.upperBound)
            for (number, state) in pageStates([MappedRegion(range: range, payload: payload)]) { model[number] = state }
            record("insert")
        } catch {
            #expect(error == expectedError)
            record("insert error")
        }
    }

    mutating func removeStep() {
        let range = randomRange()
        let expectedError = validationError(range)
        do {
            let removed = try map.remove(range)
            #expect(expectedError == nil)
            #expect(removed.allSatisfy { range.lowerBound <= $0.range.lowerBound && $0.range.upperBound <= range.upperBound })
            let reported = pageStates(removed)
            let expected = mappedStates(in: range)
            #expect(reported.map(\.0) == expected.map(\.0))
            #expect(reported.map(\.1) == expected.map(\.1))
            for number in pageNumbers(range) { model[number] = nil }
            record("remove")
        } catch {
            #expect(error == expectedError)
            record("remove error")
        }
    }

    mutating func updateStep() {
        let range = randomRange()
        let protection = UInt8(1 + random.below(3))
        let transform: (Mapping) -> Mapping = { var payload = $0; payload.protection = protection; return payload }
        let expectedError = validationError(range)
        let wasFullyMapped = map.isFullyMapped(range)
        let touchedPages = (range.lowerBound / page)..<((range.upperBound + page - 1) / page)
        #expect(wasFullyMapped == touchedPages.allSatisfy { model[$0] != nil })
        do {
            let updates = try map.update(range, transform)
            #expect(expectedError == nil)
            let old = pageStates(updates.map { MappedRegion(range: $0.range, payload: $0.oldPayload) })
            let new = pageStates(updates.map { MappedRegion(range: $0.range, payload: $0.newPayload) })
            let expected = mappedStates(in: range)
            #expect(old.map(\.0) == expected.map(\.0))
            #expect(old.map(\.1) == expected.map(\.1))
            #expect(new.map(\.1) == expected.map { transform($0.1) })
            for (number, state) in expected { model[number] = transform(state) }
            record(wasFullyMapped ? "update" : "update with holes")
        } catch {
            #expect(error == expectedError)
            record("update error")
        }
    }

    mutating func replaceStep() {
        let range = randomRange()
        let payload = randomPayload(at: range.lowerBound)
        let expectedError = validationError(range)
        do {
            let removed = try map.replace(range, payload)
            #expect(expectedError == nil)
            #expect(pageStates(removed).map(\.1) == mappedStates(in: range).map(\.1))
            for (number, state) in pageStates([MappedRegion(range: range, payload: payload)]) { model[number] = state }
            record("replace")
        } catch {
            #expect(error == expectedError)
            record("replace error")
        }
    }

    mutating func extendStep() {
        // Mostly the end of a real region, sometimes any address.
        let layout = model.canonicalLayout()
        let end: UInt64
        if !layout.isEmpty && random.chance(85) {
            end = layout[Int(random.below(UInt64(layout.count)))].range.upperBound
        } else {
            end = random.below(PageModel.pageCount) * page
        }
        let length = (1 + random.below(6)) * page
        let owner = layout.first { $0.range.upperBound == end }
        let expectedError: RegionError? =
            end + length > PageModel.endUsable * page ? .outOfBounds
            : owner == nil ? .notMapped
            : model.isFree(pageNumbers(end..<(end + length))) ? nil : .overlap
        do {
            let grown = try map.extend(regionEndingAt: end, by: length)
            #expect(expectedError == nil)
            #expect(grown.range.lowerBound <= end && end + length <= grown.range.upperBound)
            if let owner {
                let extended = MappedRegion(range: owner.range.lowerBound..<(end + length), payload: owner.payload)
                for (number, state) in pageStates([extended]) { model[number] = state }
            }
            record("extend")
        } catch {
            #expect(error == expectedError)
            record("extend error")
        }
    }

    mutating func findFreeStep() {
        let lengthPages = 1 + random.below(random.chance(90) ? 8 : 64)
        let alignmentPages: UInt64 = [1, 1, 2, 4, 16][Int(random.below(5))]
        let guardPages: UInt64 = random.chance(50) ? 0 : 1 + random.below(3)
        let floor = PageModel.firstUsable + random.below(8)
        let base = 150 + random.below(110)
        let hintPage: UInt64? = random.chance(50) ? random.below(PageModel.pageCount) : nil
        let hintByteOffset = random.chance(20) ? random.below(page) : 0
        let hint = hintPage.map { $0 * page + hintByteOffset }

        var expected: UInt64?
        if let hint {
            let start = (hint + alignmentPages * page - 1) / (alignmentPages * page) * alignmentPages
            if model.fits(start: start, length: lengthPages, floor: floor, guardPages: guardPages) { expected = start }
        }
        if expected == nil, base >= lengthPages {
            var start = (base - lengthPages) / alignmentPages * alignmentPages
            while start >= floor {
                if model.fits(start: start, length: lengthPages, floor: floor, guardPages: guardPages) {
                    expected = start
                    break
                }
                if start < alignmentPages { break }
                start -= alignmentPages
            }
        }
        if expected == nil {
            var start = (floor + alignmentPages - 1) / alignmentPages * alignmentPages
            while start + lengthPages <= PageModel.endUsable {
                if model.fits(start: start, length: lengthPages, floor: floor, guardPages: guardPages) {
                    expected = start
                    break
                }
                start += alignmentPages
            }
        }
        let found = try? map.findFree(length: lengthPages * page, hint: hint, within: pages(floor, base),
                                      alignment: alignmentPages * page, guardGap: guardPages * page)
        #expect(found == .some(expected.map { $0 * page }))
        record(expected == nil ? "findFree nil" : "findFree")
    }

    mutating func queryStep() {
        let address = random.below(PageModel.pageCount * page)
        let layout = model.canonicalLayout()
        #expect(map.lookup(address) == layout.first { $0.range.contains(address) })
        #expect(map.firstRegion(endingAbove: address) == layout.first { $0.range.upperBound > address })
        let range = randomRange()
        let overlapping = layout.filter { $0.range.overlaps(range) }
        #expect(Array(map.regions(overlapping: range)) == overlapping)
        let numbers = (range.lowerBound / page)..<((range.upperBound + page - 1) / page)
        #expect(map.isFree(range) == (range.isEmpty || model.isFree(numbers)))
        #expect(map.isFullyMapped(range) == (range.isEmpty || numbers.allSatisfy { model[$0] != nil }))
        record("query")
    }
}

@Test(arguments: [UInt64(1), 0x5EED, 0xC0FFEE], [4, RegionMap<Mapping>.defaultChunkCapacity])
func randomOperationsMatchThePageModel(seed: UInt64, chunkCapacity: Int) {
    var harness = Harness(seed: seed, chunkCapacity: chunkCapacity)
    for _ in 0..<3000 { harness.step() }
    checkInvariants(harness.map)
    // Every kind of step, success and failure, must actually have been exercised.
    for name in ["insert", "insert error", "remove", "remove error", "update", "update with holes", "update error",
                 "replace", "replace error", "extend", "extend error", "findFree", "findFree nil", "query"] {
        #expect(harness.counts[name, default: 0] > 10, "too few \(name) steps: \(harness.counts[name, default: 0])")
    }
}
