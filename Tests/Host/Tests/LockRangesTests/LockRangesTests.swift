// Unit tests of the record-lock range arithmetic: struct flock decoding (whence, negative and
// zero lengths, Linux's EINVAL/EOVERFLOW), conflicts, splitting on unlock and on a change of
// mode, merging of touching same-mode locks, and per-owner release.
import Testing
import LinuxABI
import LockRanges

private func range(_ start: Int64, _ end: Int64) -> LockRange { LockRange(start: start, end: end)! }

private func decode(_ whence: SeekWhence, _ start: Int64, _ length: Int64, position: Int64 = 0, size: Int64 = 0) -> Result<LockRange, Errno> {
    Result { () throws(Errno) -> LockRange in
        try LockRange.decode(whence: Int16(whence.rawValue), start: start, length: length, position: position, fileSize: size)
    }
}

private func ranges(_ list: RangeLockList<Int>, of owner: Int) -> [LockRange] {
    list.locks(ownedBy: owner).map(\.range)
}

@Test func decodesTheThreeOrigins() {
    #expect(decode(.SEEK_SET, 10, 5) == .success(range(10, 14)))
    #expect(decode(.SEEK_CUR, 10, 5, position: 100) == .success(range(110, 114)))
    #expect(decode(.SEEK_END, -10, 5, size: 100) == .success(range(90, 94)))
    #expect(decode(.SEEK_SET, 7, 0) == .success(range(7, Int64.max)))
    #expect(range(7, Int64.max).flockLength == 0)
    #expect(range(7, 9).flockLength == 3)
}

@Test func negativeLengthCoversTheBytesBefore() {
    #expect(decode(.SEEK_SET, 10, -4) == .success(range(6, 9)))
    #expect(decode(.SEEK_SET, 10, -10) == .success(range(0, 9)))
    #expect(decode(.SEEK_SET, 10, -11) == .failure(.EINVAL))
    #expect(decode(.SEEK_SET, 0, Int64.min) == .failure(.EINVAL))
}

@Test func rejectsWhatLinuxRejects() {
    #expect(decode(.SEEK_DATA, 0, 1) == .failure(.EINVAL))
    #expect((try? LockRange.decode(whence: 7, start: 0, length: 1, position: 0, fileSize: 0)) == nil)
    #expect(decode(.SEEK_SET, -1, 1) == .failure(.EINVAL))
    #expect(decode(.SEEK_CUR, -11, 1, position: 10) == .failure(.EINVAL))
    #expect(decode(.SEEK_END, Int64.max, 1, size: 1) == .failure(.EOVERFLOW))
    #expect(decode(.SEEK_SET, Int64.max, 2) == .failure(.EOVERFLOW))
    #expect(decode(.SEEK_SET, Int64.max, 1) == .success(range(Int64.max, Int64.max)))
    #expect(decode(.SEEK_SET, 1, Int64.max) == .success(range(1, Int64.max)))
    #expect(decode(.SEEK_SET, 2, Int64.max) == .failure(.EOVERFLOW))
}

@Test func sharedLocksCoexistExclusiveOnesDoNot() {
    var list = RangeLockList<Int>()
    list.set(owner: 1, mode: .shared, range: range(0, 9), processID: 100)
    #expect(list.firstConflict(owner: 2, mode: .shared, range: range(5, 20)) == nil)
    #expect(list.firstConflict(owner: 2, mode: .exclusive, range: range(5, 20))?.processID == 100)
    #expect(list.firstConflict(owner: 2, mode: .exclusive, range: range(10, 20)) == nil)
    #expect(list.firstConflict(owner: 1, mode: .exclusive, range: range(0, 9)) == nil, "an owner never conflicts with itself")
}

@Test func unlockInTheMiddleSplits() {
    var list = RangeLockList<Int>()
    list.set(owner: 1, mode: .exclusive, range: range(0, 99), processID: 1)
    list.remove(owner: 1, range: range(40, 59))
    #expect(ranges(list, of: 1) == [range(0, 39), range(60, 99)])
    list.remove(owner: 1, range: range(0, Int64.max))
    #expect(list.isEmpty)
}

@Test func changingTheModeOfAPartSplits() {
    var list = RangeLockList<Int>()
    list.set(owner: 1, mode: .shared, range: range(0, Int64.max), processID: 1)
    list.set(owner: 1, mode: .exclusive, range: range(10, 19), processID: 1)
    let held = list.locks(ownedBy: 1)
    #expect(held.map(\.range) == [range(0, 9), range(10, 19), range(20, Int64.max)])
    #expect(held.map(\.mode) == [.shared, .exclusive, .shared])
    #expect(list.firstConflict(owner: 2, mode: .shared, range: range(15, 15))?.mode == .exclusive)
    #expect(list.firstConflict(owner: 2, mode: .shared, range: range(20, 30)) == nil)
}

@Test func touchingLocksOfOneModeMerge() {
    var list = RangeLockList<Int>()
    list.set(owner: 1, mode: .exclusive, range: range(0, 9), processID: 1)
    list.set(owner: 1, mode: .exclusive, range: range(20, 29), processID: 1)
    list.set(owner: 1, mode: .exclusive, range: range(10, 19), processID: 1)
    #expect(ranges(list, of: 1) == [range(0, 29)])
    list.set(owner: 1, mode: .shared, range: range(30, 39), processID: 1)
    #expect(list.count == 2, "touching locks of different modes stay apart")
    list.set(owner: 1, mode: .exclusive, range: range(5, 34), processID: 1)
    #expect(ranges(list, of: 1) == [range(0, 34), range(35, 39)])
}

@Test func lockToEndOfFileMergesWithoutOverflow() {
    var list = RangeLockList<Int>()
    list.set(owner: 1, mode: .shared, range: range(100, Int64.max), processID: 1)
    list.set(owner: 1, mode: .shared, range: range(0, 99), processID: 1)
    #expect(ranges(list, of: 1) == [range(0, Int64.max)])
    list.remove(owner: 1, range: range(Int64.max, Int64.max))
    #expect(ranges(list, of: 1) == [range(0, Int64.max - 1)])
}

@Test func ownersAreReleasedOneByOne() {
    var list = RangeLockList<Int>()
    list.set(owner: 1, mode: .shared, range: range(0, 9), processID: 1)
    list.set(owner: 2, mode: .shared, range: range(0, 9), processID: 2)
    list.set(owner: 1, mode: .shared, range: range(50, 59), processID: 1)
    let first = list.removeAll(ownedBy: 1)
    let second = list.removeAll(ownedBy: 1)
    #expect(first)
    #expect(!second)
    #expect(list.count == 1)
    #expect(list.firstConflict(owner: 3, mode: .exclusive, range: range(0, 0))?.owner == 2)
}

@Test func growthPerEditIsAtMostOne() {
    var list = RangeLockList<Int>()
    for index in 0..<50 {
        list.set(owner: 1, mode: index % 2 == 0 ? .shared : .exclusive, range: range(Int64(index) * 10, Int64(index) * 10 + 9), processID: 1)
    }
    let before = list.count
    list.remove(owner: 1, range: range(255, 255))
    #expect(list.count <= before + RangeLockList<Int>.maximumGrowthPerEdit)
    list.set(owner: 1, mode: .exclusive, range: range(3, 496), processID: 1)
    #expect(list.count <= 3)
}
