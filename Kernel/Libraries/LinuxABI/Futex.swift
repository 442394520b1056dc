// futex(2) operations and the user-memory protocols built on futexes: include/uapi/linux/futex.h
// (FUTEX_* commands, FUTEX_WAKE_OP encoding, robust lists) and include/uapi/linux/rseq.h
// (restartable sequences, registered by every glibc 2.35+ thread).

/// The command in the low bits of futex's `op` (op & FUTEX_CMD_MASK).
public enum FutexCommand: Int32, CaseIterable, Sendable {
    case FUTEX_WAIT = 0
    case FUTEX_WAKE = 1
    case FUTEX_FD = 2
    case FUTEX_REQUEUE = 3
    case FUTEX_CMP_REQUEUE = 4
    case FUTEX_WAKE_OP = 5
    case FUTEX_LOCK_PI = 6
    case FUTEX_UNLOCK_PI = 7
    case FUTEX_TRYLOCK_PI = 8
    case FUTEX_WAIT_BITSET = 9
    case FUTEX_WAKE_BITSET = 10
    case FUTEX_WAIT_REQUEUE_PI = 11
    case FUTEX_CMP_REQUEUE_PI = 12
    case FUTEX_LOCK_PI2 = 13
}

/// The option bits of futex's `op`.
public struct FutexOptions: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The futex is private to this process (no need to look up a shared mapping).
    public static let FUTEX_PRIVATE_FLAG = FutexOptions(rawValue: 128)
    /// Timeouts are on CLOCK_REALTIME instead of CLOCK_MONOTONIC.
    public static let FUTEX_CLOCK_REALTIME = FutexOptions(rawValue: 256)
}

/// A decoded futex `op` word.
public struct FutexOperation: Equatable, Sendable {
    /// ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME).
    public static let FUTEX_CMD_MASK: Int32 = ~(128 | 256)

    public var command: FutexCommand
    public var options: FutexOptions

    /// Nil for an unknown command (futex then fails with ENOSYS).
    public init?(op: Int32) {
        guard let command = FutexCommand(rawValue: op & FutexOperation.FUTEX_CMD_MASK) else { return nil }
        self.command = command
        options = FutexOptions(rawValue: op & ~FutexOperation.FUTEX_CMD_MASK)
    }
}

/// Constants of the futex word protocols.
public enum FutexWord: Sendable {
    /// FUTEX_WAIT_BITSET with this bitset matches any waker (FUTEX_BITSET_MATCH_ANY).
    public static let FUTEX_BITSET_MATCH_ANY: UInt32 = 0xffff_ffff
    /// PI and robust futexes: bit 31 means "there are waiters", bit 30 "the owner died", the low
    /// 30 bits are the owner's tid.
    public static let FUTEX_WAITERS: UInt32 = 0x8000_0000
    public static let FUTEX_OWNER_DIED: UInt32 = 0x4000_0000
    public static let FUTEX_TID_MASK: UInt32 = 0x3fff_ffff
    /// The kernel walks at most this many robust-list entries at thread exit.
    public static let ROBUST_LIST_LIMIT = 2048
    /// futex_waitv: at most this many futexes per call, and the size flag for 32-bit futexes.
    public static let FUTEX_WAITV_MAX = 128
    public static let FUTEX_32: UInt32 = 2
}

/// FUTEX_WAKE_OP's `val3`: an operation on the second futex word and a comparison on its old value.
public struct FutexWakeOperation: Equatable, Sendable {
    public enum Operation: UInt32, CaseIterable, Sendable {
        case FUTEX_OP_SET = 0
        case FUTEX_OP_ADD = 1
        case FUTEX_OP_OR = 2
        case FUTEX_OP_ANDN = 3
        case FUTEX_OP_XOR = 4
    }

    public enum Comparison: UInt32, CaseIterable, Sendable {
        case FUTEX_OP_CMP_EQ = 0
        case FUTEX_OP_CMP_NE = 1
        case FUTEX_OP_CMP_LT = 2
        case FUTEX_OP_CMP_LE = 3
        case FUTEX_OP_CMP_GT = 4
        case FUTEX_OP_CMP_GE = 5
    }

    /// In the op field: the operand is 1 << oparg.
    public static let FUTEX_OP_OPARG_SHIFT: UInt32 = 8

    public var operation: Operation
    public var operandIsShift: Bool
    /// 12-bit signed operand and comparison argument.
    public var operand: Int32
    public var comparison: Comparison
    public var comparisonArgument: Int32

    /// Nil if the operation or comparison code is unknown (futex then fails with ENOSYS).
    public init?(encoded: UInt32) {
        guard let operation = Operation(rawValue: (encoded >> 28) & 7),
              let comparison = Comparison(rawValue: (encoded >> 24) & 15) else { return nil }
        self.operation = operation
        operandIsShift = (encoded >> 28) & FutexWakeOperation.FUTEX_OP_OPARG_SHIFT != 0
        // Sign-extend the two 12-bit fields.
        operand = Int32(bitPattern: encoded << 8) >> 20
        self.comparison = comparison
        comparisonArgument = Int32(bitPattern: encoded << 20) >> 20
    }

    /// The new value of the second word, given its old value. With FUTEX_OP_OPARG_SHIFT the
    /// operand is `1 << operand`; an operand outside 0...31 is taken modulo 32, as Linux does.
    public func applied(to old: UInt32) -> UInt32 {
        let argument = operandIsShift ? UInt32(1) << UInt32(operand & 31) : UInt32(bitPattern: operand)
        switch operation {
        case .FUTEX_OP_SET: return argument
        case .FUTEX_OP_ADD: return old &+ argument
        case .FUTEX_OP_OR: return old | argument
        case .FUTEX_OP_ANDN: return old & ~argument
        case .FUTEX_OP_XOR: return old ^ argument
        }
    }

    /// Whether the waiters of the second word are woken too: the comparison of its old value
    /// (as a signed int) with the comparison argument.
    public func comparisonHolds(for old: UInt32) -> Bool {
        let value = Int32(bitPattern: old)
        switch comparison {
        case .FUTEX_OP_CMP_EQ: return value == comparisonArgument
        case .FUTEX_OP_CMP_NE: return value != comparisonArgument
        case .FUTEX_OP_CMP_LT: return value < comparisonArgument
        case .FUTEX_OP_CMP_LE: return value <= comparisonArgument
        case .FUTEX_OP_CMP_GT: return value > comparisonArgument
        case .FUTEX_OP_CMP_GE: return value >= comparisonArgument
        }
    }
}

/// struct robust_list_head (set_robust_list; its size argument must be 24).
public struct RobustListHead: LinuxStruct, Equatable {
    public static let size = 24

    /// User address of the first entry; the list is circular, ending where it points back here.
    public var next: UInt64
    /// Offset from an entry to its futex word.
    public var futexOffset: Int64
    /// An entry being added or removed when the thread died.
    public var pending: UInt64

    public init(next: UInt64, futexOffset: Int64, pending: UInt64) {
        self.next = next
        self.futexOffset = futexOffset
        self.pending = pending
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(next)
        writer.appendI64(futexOffset)
        writer.appendU64(pending)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        next = try reader.readU64()
        futexOffset = try reader.readI64()
        pending = try reader.readU64()
    }
}

/// struct rseq: the per-thread area a thread registers with rseq(2) (32 bytes, 32-byte aligned;
/// registration may pass a larger size up to AT_RSEQ_FEATURE_SIZE).
public struct Rseq: LinuxStruct, Equatable {
    /// ORIG_RSEQ_SIZE: the size every kernel accepts.
    public static let size = 32
    public static let alignment = 32
    public static let cpu_id_start_offset = 0
    public static let cpu_id_offset = 4
    public static let rseq_cs_offset = 8
    public static let flags_offset = 16
    public static let node_id_offset = 20
    public static let mm_cid_offset = 24

    public static let RSEQ_CPU_ID_UNINITIALIZED: Int32 = -1
    public static let RSEQ_CPU_ID_REGISTRATION_FAILED: Int32 = -2
    /// rseq(2) `flags`: unregister instead of register.
    public static let RSEQ_FLAG_UNREGISTER: Int32 = 1

    public var cpuIDStart: UInt32
    public var cpuID: UInt32
    /// User address of the current critical section descriptor (struct rseq_cs), or 0.
    public var criticalSection: UInt64
    public var flags: UInt32
    public var nodeID: UInt32
    public var concurrencyID: UInt32

    public init(cpuIDStart: UInt32, cpuID: UInt32, criticalSection: UInt64 = 0, flags: UInt32 = 0, nodeID: UInt32 = 0,
                concurrencyID: UInt32 = 0) {
        self.cpuIDStart = cpuIDStart
        self.cpuID = cpuID
        self.criticalSection = criticalSection
        self.flags = flags
        self.nodeID = nodeID
        self.concurrencyID = concurrencyID
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(cpuIDStart)
        writer.appendU32(cpuID)
        writer.appendU64(criticalSection)
        writer.appendU32(flags)
        writer.appendU32(nodeID)
        writer.appendU32(concurrencyID)
        writer.appendZeros(4)   // padding to the 32-byte alignment
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        cpuIDStart = try reader.readU32()
        cpuID = try reader.readU32()
        criticalSection = try reader.readU64()
        flags = try reader.readU32()
        nodeID = try reader.readU32()
        concurrencyID = try reader.readU32()
        try reader.skip(4)
    }
}

/// struct rseq_cs: a critical section descriptor.
public struct RseqCriticalSection: LinuxStruct, Equatable {
    public static let size = 32

    public var version: UInt32
    public var flags: UInt32
    public var startAddress: UInt64
    public var postCommitOffset: UInt64
    public var abortAddress: UInt64

    public init(version: UInt32 = 0, flags: UInt32 = 0, startAddress: UInt64, postCommitOffset: UInt64,
                abortAddress: UInt64) {
        self.version = version
        self.flags = flags
        self.startAddress = startAddress
        self.postCommitOffset = postCommitOffset
        self.abortAddress = abortAddress
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(version)
        writer.appendU32(flags)
        writer.appendU64(startAddress)
        writer.appendU64(postCommitOffset)
        writer.appendU64(abortAddress)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        version = try reader.readU32()
        flags = try reader.readU32()
        startAddress = try reader.readU64()
        postCommitOffset = try reader.readU64()
        abortAddress = try reader.readU64()
    }
}
