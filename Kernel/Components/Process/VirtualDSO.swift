// The vDSO (vdso(7)): a small ELF shared object, built from Kernel/VDSO by the toolkit and
// embedded as VirtualDSOImage, mapped into every new program (AT_SYSINFO_EHDR) with its data page
// just below it. Its clock functions compute in user mode exactly what clock_gettime(2),
// gettimeofday(2), time(2) and clock_getres(2) return, from the clock parameters this file
// publishes in the data page (layout: Kernel/VDSO/vvar.h, the contract both sides follow).
//
// Invariants: the image's pages and the data page each exist once and are shared by every
// process. Both are mapped private with the object's frames read-only, so a process that makes
// its copy writable (mprotect, as debuggers do on [vdso]) writes a private copy and never the
// shared frames; the data page is written only here, under the lock, with the seqcount protocol
// (sequence odd while the words change), so a reader on another CPU never takes a torn value.
// Mappings are inherited by fork and made afresh by exec, as every other region.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory

public final class VirtualDSO: Sendable {
    /// nil only if the kernel had no memory for the pages at the first exec; programs then run
    /// without a vDSO (no AT_SYSINFO_EHDR), and their libc makes the system calls.
    public static let shared: VirtualDSO? = VirtualDSO()

    /// Pages reserved for the image (the toolkit refuses a larger one).
    static let textPageCount = 2
    static let dataPageCount = 1

    /// The pages, and what the data page holds now.
    struct State {
        let text: MemoryObjectHandle<MapReadOnly>
        let data: MemoryObjectHandle<MapReadOnly>
        let dataFrame: UntypedFrame
        var contents = VirtualDSOData()
    }

    let state: SpinLock<State>

    init?() {
        let image = VirtualDSOImage.bytes
        guard image.count <= Self.textPageCount * 4096 else { return nil }
        let textObject = makeSharedAnonymousMemory(size: UInt64(Self.textPageCount * 4096))
        let dataObject = makeSharedAnonymousMemory(size: UInt64(Self.dataPageCount * 4096))
        let dataFrame: UntypedFrame
        do throws(Errno) {
            for page in 0..<Self.textPageCount where page * 4096 < image.count {
                let chunk = Array(image[(page * 4096)..<min(image.count, (page + 1) * 4096)])
                try textObject.pageForWriting(page).write(chunk.span, at: 0)
            }
            dataFrame = try dataObject.pageForWriting(0)
        } catch {
            return nil
        }
        state = SpinLock(State(text: textObject.readOnly, data: dataObject.readOnly, dataFrame: dataFrame))
        publishClock()
    }

    /// Maps [vvar] and [vdso] into `space`; returns the address of the image (AT_SYSINFO_EHDR).
    public func map(into space: AddressSpace) throws(Errno) -> UInt64 {
        let dataBytes = UInt64(Self.dataPageCount * 4096)
        let textBytes = UInt64(Self.textPageCount * 4096)
        let placeholder = Region(permissions: [], maximumRights: [], sharing: .privateCopy, backing: .anonymous)
        let (text, data) = state.withLock { ($0.text, $0.data) }
        let base = try space.map(length: dataBytes + textBytes, placement: .anywhere(hint: 0), region: placeholder)
        let dataRegion = Region(permissions: [.read], maximumRights: [.read], sharing: .privateCopy,
                                backing: .object(MappedObject(readOnly: data), offset: 0), role: .vdsoData)
        _ = try space.map(length: dataBytes, placement: .fixedReplacing(base), region: dataRegion)
        let textRegion = Region(permissions: [.read, .execute], maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                                backing: .object(MappedObject(readOnly: text), offset: 0), role: .vdsoText)
        _ = try space.map(length: textBytes, placement: .fixedReplacing(base + dataBytes), region: textRegion)
        return base + dataBytes
    }

    /// Publishes the clock's parameters again (after clock_settime/settimeofday set the time).
    public func publishClock() {
        let parameters = Clock.parameters
        update { contents in
            contents.clockMode = parameters == nil ? .unavailable : .timestampCounter
            contents.clock = parameters
            contents.resolutionNanoseconds = Clock.resolutionNanoseconds
            contents.coarseResolutionNanoseconds = 1_000_000_000 / max(Timer.ticksPerSecond, 1)
        }
    }

    /// Publishes the system time zone settimeofday(2) set (gettimeofday's second argument).
    public func publishTimezone(_ zone: Timezone) {
        update { contents in contents.timezone = zone }
    }

    func update(_ change: (inout VirtualDSOData) -> Void) {
        state.withLock { state in
            state.contents.sequence &+= 1                  // odd: readers retry
            state.dataFrame.write(VirtualDSOData.word(state.contents.sequence).span, at: VirtualDSOData.sequenceOffset)
            change(&state.contents)
            state.dataFrame.write(state.contents.encodedFields().span, at: VirtualDSOData.fieldsOffset)
            state.contents.sequence &+= 1                  // even again: the fields are consistent
            state.dataFrame.write(VirtualDSOData.word(state.contents.sequence).span, at: VirtualDSOData.sequenceOffset)
        }
    }
}

/// The data page's contents (Kernel/VDSO/vvar.h, struct apus_vvar): little-endian words.
struct VirtualDSOData {
    enum ClockMode: UInt64 {
        case unavailable = 0
        case timestampCounter = 1
    }

    static let sequenceOffset = 0
    static let fieldsOffset = 8

    var sequence: UInt64 = 0
    var clockMode = ClockMode.unavailable
    var clock: ClockParameters?
    var resolutionNanoseconds: UInt64 = 1
    var coarseResolutionNanoseconds: UInt64 = 1
    var timezone = Timezone(minutesWest: 0, dstTime: 0)

    static func word(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }

    /// Bytes 8..<64: clock_mode, tsc_at_boot, multiplier, realtime_offset_ns, resolution_ns,
    /// coarse_resolution_ns, timezone_minutes_west, timezone_dst_time.
    func encodedFields() -> [UInt8] {
        var bytes = Self.word(clockMode.rawValue)
        bytes += Self.word(clock?.bootCycles ?? 0)
        bytes += Self.word(clock?.multiplier ?? 0)
        bytes += Self.word(clock?.realtimeOffsetNanoseconds ?? 0)
        bytes += Self.word(resolutionNanoseconds)
        bytes += Self.word(coarseResolutionNanoseconds)
        let zone = UInt64(UInt32(bitPattern: timezone.minutesWest)) | UInt64(UInt32(bitPattern: timezone.dstTime)) << 32
        bytes += Self.word(zone)
        return bytes
    }
}
