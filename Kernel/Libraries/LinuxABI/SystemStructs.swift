// Process and system information structs: struct new_utsname (include/uapi/linux/utsname.h),
// struct sysinfo (include/uapi/linux/sysinfo.h), struct rlimit64 (include/uapi/linux/resource.h;
// on x86-64 struct rlimit has the same layout), struct rusage (include/uapi/linux/resource.h) and
// struct sched_param (include/uapi/linux/sched/types.h).

/// struct new_utsname (uname(2)): six NUL-terminated 65-byte fields.
public struct Utsname: LinuxStruct, Equatable {
    /// Bytes per field, NUL included (__NEW_UTS_LEN + 1); sethostname accepts at most 64 bytes.
    public static let fieldLength = 65
    public static let size = 6 * fieldLength

    public var sysname: [UInt8]
    public var nodename: [UInt8]
    public var release: [UInt8]
    public var version: [UInt8]
    public var machine: [UInt8]
    public var domainname: [UInt8]

    public init(sysname: String, nodename: String, release: String, version: String, machine: String,
                domainname: String) {
        self.sysname = Array(sysname.utf8)
        self.nodename = Array(nodename.utf8)
        self.release = Array(release.utf8)
        self.version = Array(version.utf8)
        self.machine = Array(machine.utf8)
        self.domainname = Array(domainname.utf8)
    }

    /// Fields longer than 64 bytes are cut to 64 so each stays NUL-terminated.
    public func encode(into writer: inout ByteWriter) {
        for field in [sysname, nodename, release, version, machine, domainname] {
            writer.appendFixedString(field, length: Utsname.fieldLength)
        }
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        sysname = try reader.readFixedString(length: Utsname.fieldLength)
        nodename = try reader.readFixedString(length: Utsname.fieldLength)
        release = try reader.readFixedString(length: Utsname.fieldLength)
        version = try reader.readFixedString(length: Utsname.fieldLength)
        machine = try reader.readFixedString(length: Utsname.fieldLength)
        domainname = try reader.readFixedString(length: Utsname.fieldLength)
    }
}

/// struct sysinfo (sysinfo(2)), 112 bytes on x86-64.
public struct Sysinfo: LinuxStruct, Equatable {
    public static let size = 112
    /// Load averages are fixed point with this many fraction bits.
    public static let SI_LOAD_SHIFT = 16

    public var uptimeSeconds: Int64 = 0
    /// 1, 5 and 15 minute load averages, scaled by 1 << SI_LOAD_SHIFT.
    public var loads: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// Memory sizes are in units of `memoryUnit` bytes.
    public var totalRAM: UInt64 = 0
    public var freeRAM: UInt64 = 0
    public var sharedRAM: UInt64 = 0
    public var bufferRAM: UInt64 = 0
    public var totalSwap: UInt64 = 0
    public var freeSwap: UInt64 = 0
    public var processCount: UInt16 = 0
    public var totalHigh: UInt64 = 0
    public var freeHigh: UInt64 = 0
    public var memoryUnit: UInt32 = 1

    public init() {}

    public static func == (left: Sysinfo, right: Sysinfo) -> Bool { left.encoded() == right.encoded() }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI64(uptimeSeconds)
        for value in [loads.0, loads.1, loads.2, totalRAM, freeRAM, sharedRAM, bufferRAM, totalSwap, freeSwap] {
            writer.appendU64(value)
        }
        writer.appendU16(processCount)     // 80
        writer.appendU16(0)                // pad
        writer.appendZeros(4)              // alignment of totalhigh
        writer.appendU64(totalHigh)        // 88
        writer.appendU64(freeHigh)
        writer.appendU32(memoryUnit)       // 104
        writer.pad(to: Sysinfo.size)       // _f[0] and tail alignment
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        uptimeSeconds = try reader.readI64()
        loads = (try reader.readU64(), try reader.readU64(), try reader.readU64())
        totalRAM = try reader.readU64()
        freeRAM = try reader.readU64()
        sharedRAM = try reader.readU64()
        bufferRAM = try reader.readU64()
        totalSwap = try reader.readU64()
        freeSwap = try reader.readU64()
        processCount = try reader.readU16()
        try reader.skip(6)
        totalHigh = try reader.readU64()
        freeHigh = try reader.readU64()
        memoryUnit = try reader.readU32()
        try reader.skip(4)
    }
}

/// struct rlimit / struct rlimit64.
public struct Rlimit: LinuxStruct, Equatable {
    public static let size = 16

    public var current: UInt64
    public var maximum: UInt64

    public init(current: UInt64, maximum: UInt64) {
        self.current = current
        self.maximum = maximum
    }

    public static let unlimited = Rlimit(current: RlimitResource.RLIM_INFINITY, maximum: RlimitResource.RLIM_INFINITY)

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(current)
        writer.appendU64(maximum)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        current = try reader.readU64()
        maximum = try reader.readU64()
    }
}

/// struct rusage (getrusage, wait4): two timevals and fourteen longs.
public struct Rusage: LinuxStruct, Equatable {
    public static let size = 144

    public var userTime = Timeval(seconds: 0, microseconds: 0)
    public var systemTime = Timeval(seconds: 0, microseconds: 0)
    /// Peak resident set in KiB.
    public var maxResidentKiB: Int64 = 0
    public var sharedMemorySize: Int64 = 0
    public var unsharedDataSize: Int64 = 0
    public var unsharedStackSize: Int64 = 0
    public var minorFaults: Int64 = 0
    public var majorFaults: Int64 = 0
    public var swaps: Int64 = 0
    public var blockInputs: Int64 = 0
    public var blockOutputs: Int64 = 0
    public var messagesSent: Int64 = 0
    public var messagesReceived: Int64 = 0
    public var signalsReceived: Int64 = 0
    public var voluntaryContextSwitches: Int64 = 0
    public var involuntaryContextSwitches: Int64 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        userTime.encode(into: &writer)
        systemTime.encode(into: &writer)
        for value in [maxResidentKiB, sharedMemorySize, unsharedDataSize, unsharedStackSize, minorFaults, majorFaults,
                      swaps, blockInputs, blockOutputs, messagesSent, messagesReceived, signalsReceived,
                      voluntaryContextSwitches, involuntaryContextSwitches] {
            writer.appendI64(value)
        }
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        userTime = try Timeval(decoding: &reader)
        systemTime = try Timeval(decoding: &reader)
        maxResidentKiB = try reader.readI64()
        sharedMemorySize = try reader.readI64()
        unsharedDataSize = try reader.readI64()
        unsharedStackSize = try reader.readI64()
        minorFaults = try reader.readI64()
        majorFaults = try reader.readI64()
        swaps = try reader.readI64()
        blockInputs = try reader.readI64()
        blockOutputs = try reader.readI64()
        messagesSent = try reader.readI64()
        messagesReceived = try reader.readI64()
        signalsReceived = try reader.readI64()
        voluntaryContextSwitches = try reader.readI64()
        involuntaryContextSwitches = try reader.readI64()
    }
}

/// struct sched_param.
public struct SchedParam: LinuxStruct, Equatable {
    public static let size = 4

    public var priority: Int32

    public init(priority: Int32) { self.priority = priority }

    public func encode(into writer: inout ByteWriter) { writer.appendI32(priority) }

    public init(decoding reader: inout ByteReader) throws(DecodeError) { priority = try reader.readI32() }
}
