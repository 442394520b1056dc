// System V IPC on x86-64 (svipc(7), shmctl(2), semctl(2), msgctl(2)): the command numbers,
// flags and the 64-bit struct layouts (struct ipc64_perm, shmid64_ds, semid64_ds, msqid64_ds and
// the IPC_INFO/..._INFO records) that both libcs use on x86-64. IPC_64 (0x100) in a command is
// accepted and ignored, as on every architecture without the old layouts.

/// Flags of the *get calls and the wait flags (ipc.h).
public enum IPCFlag {
    public static let IPC_CREAT: Int32 = 0o1000
    public static let IPC_EXCL: Int32 = 0o2000
    public static let IPC_NOWAIT: Int32 = 0o4000
    public static let IPC_PRIVATE: Int32 = 0
    public static let IPC_64: Int32 = 0x100
    /// shmat(2).
    public static let SHM_RDONLY: Int32 = 0o10000
    public static let SHM_RND: Int32 = 0o20000
    public static let SHM_REMAP: Int32 = 0o40000
    public static let SHM_EXEC: Int32 = 0o100000
    /// Segment mode bits shown by IPC_STAT.
    public static let SHM_DEST: UInt32 = 0o1000
    public static let SHM_LOCKED: UInt32 = 0o2000
    /// sembuf.sem_flg.
    public static let SEM_UNDO: Int16 = 0x1000
    /// msgrcv(2).
    public static let MSG_NOERROR: Int32 = 0o10000
    public static let MSG_EXCEPT: Int32 = 0o20000
    public static let MSG_COPY: Int32 = 0o40000
}

/// The control commands of shmctl, semctl and msgctl (one closed set; each call accepts its own).
public enum IPCCommand: Int32, Sendable {
    case IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3
    // shmctl
    case SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15
    // semctl
    case GETPID = 1011, GETVAL = 1012, GETALL = 1013, GETNCNT = 1014, GETZCNT = 1015, SETVAL = 1016, SETALL = 1017
    case SEM_STAT = 1018, SEM_INFO = 1019, SEM_STAT_ANY = 1020
    // msgctl
    case MSG_STAT = 2011, MSG_INFO = 2012, MSG_STAT_ANY = 2013

    /// What a command does, for the commands the three calls share.
    public enum Role: Sendable { case information, status, setStatus, remove, ownCommand }

    public var role: Role {
        switch self {
        case .IPC_INFO, .SHM_INFO, .SEM_INFO, .MSG_INFO: .information
        case .IPC_STAT, .SHM_STAT, .SHM_STAT_ANY, .SEM_STAT, .SEM_STAT_ANY, .MSG_STAT, .MSG_STAT_ANY: .status
        case .IPC_SET: .setStatus
        case .IPC_RMID: .remove
        default: .ownCommand
        }
    }

    /// Which call's numbering a command number is read in.
    public enum Family: Sendable { case sharedMemory, semaphores, messageQueues }

    /// The command `raw` (IPC_64 removed) means for `family`, nil if unknown (EINVAL).
    public init?(raw: Int32, family: Family) {
        let number = raw & ~IPCFlag.IPC_64
        guard number >= 0, number <= 20 else { return nil }
        if number <= 3 {
            self.init(rawValue: number)
            return
        }
        switch family {
        case .sharedMemory: guard number >= 11, number <= 15 else { return nil }; self.init(rawValue: number)
        case .semaphores: guard number >= 11, number <= 20 else { return nil }; self.init(rawValue: number + 1000)
        case .messageQueues: guard number >= 11, number <= 13 else { return nil }; self.init(rawValue: number + 2000)
        }
    }
}

/// struct ipc64_perm (48 bytes).
public struct IPCPermission: LinuxStruct, Equatable {
    public static let size = 48
    public var key: Int32 = 0
    public var userID: UInt32 = 0
    public var groupID: UInt32 = 0
    public var creatorUserID: UInt32 = 0
    public var creatorGroupID: UInt32 = 0
    /// The low 9 bits are permissions; SHM_DEST and SHM_LOCKED ride above them.
    public var mode: UInt32 = 0
    public var sequence: UInt16 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        writer.appendI32(key)
        writer.appendU32(userID)
        writer.appendU32(groupID)
        writer.appendU32(creatorUserID)
        writer.appendU32(creatorGroupID)
        writer.appendU32(mode)
        writer.appendU16(sequence)
        writer.appendZeros(2 + 4 + 16)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        key = try reader.readI32()
        userID = try reader.readU32()
        groupID = try reader.readU32()
        creatorUserID = try reader.readU32()
        creatorGroupID = try reader.readU32()
        mode = try reader.readU32()
        sequence = try reader.readU16()
        try reader.skip(2 + 4 + 16)
    }
}

/// struct shmid64_ds (112 bytes).
public struct SharedMemoryStatus: LinuxStruct {
    public static let size = 112
    public var permission = IPCPermission()
    public var segmentBytes: UInt64 = 0
    public var attachTime: Int64 = 0
    public var detachTime: Int64 = 0
    public var changeTime: Int64 = 0
    public var creatorProcessID: Int32 = 0
    public var lastProcessID: Int32 = 0
    public var attachCount: UInt64 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        permission.encode(into: &writer)
        writer.appendU64(segmentBytes)
        writer.appendI64(attachTime)
        writer.appendI64(detachTime)
        writer.appendI64(changeTime)
        writer.appendI32(creatorProcessID)
        writer.appendI32(lastProcessID)
        writer.appendU64(attachCount)
        writer.appendZeros(16)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        permission = try IPCPermission(decoding: &reader)
        segmentBytes = try reader.readU64()
        attachTime = try reader.readI64()
        detachTime = try reader.readI64()
        changeTime = try reader.readI64()
        creatorProcessID = try reader.readI32()
        lastProcessID = try reader.readI32()
        attachCount = try reader.readU64()
        try reader.skip(16)
    }
}

/// struct semid64_ds (104 bytes).
public struct SemaphoreSetStatus: LinuxStruct {
    public static let size = 104
    public var permission = IPCPermission()
    public var operationTime: Int64 = 0
    public var changeTime: Int64 = 0
    public var semaphoreCount: UInt64 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        permission.encode(into: &writer)
        writer.appendI64(operationTime)
        writer.appendZeros(8)
        writer.appendI64(changeTime)
        writer.appendZeros(8)
        writer.appendU64(semaphoreCount)
        writer.appendZeros(16)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        permission = try IPCPermission(decoding: &reader)
        operationTime = try reader.readI64()
        try reader.skip(8)
        changeTime = try reader.readI64()
        try reader.skip(8)
        semaphoreCount = try reader.readU64()
        try reader.skip(16)
    }
}

/// struct msqid64_ds (120 bytes).
public struct MessageQueueStatus: LinuxStruct {
    public static let size = 120
    public var permission = IPCPermission()
    public var sendTime: Int64 = 0
    public var receiveTime: Int64 = 0
    public var changeTime: Int64 = 0
    public var queuedBytes: UInt64 = 0
    public var messageCount: UInt64 = 0
    public var maximumBytes: UInt64 = 0
    public var lastSenderID: Int32 = 0
    public var lastReceiverID: Int32 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        permission.encode(into: &writer)
        writer.appendI64(sendTime)
        writer.appendI64(receiveTime)
        writer.appendI64(changeTime)
        writer.appendU64(queuedBytes)
        writer.appendU64(messageCount)
        writer.appendU64(maximumBytes)
        writer.appendI32(lastSenderID)
        writer.appendI32(lastReceiverID)
        writer.appendZeros(16)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        permission = try IPCPermission(decoding: &reader)
        sendTime = try reader.readI64()
        receiveTime = try reader.readI64()
        changeTime = try reader.readI64()
        queuedBytes = try reader.readU64()
        messageCount = try reader.readU64()
        maximumBytes = try reader.readU64()
        lastSenderID = try reader.readI32()
        lastReceiverID = try reader.readI32()
        try reader.skip(16)
    }
}

/// struct sembuf (6 bytes).
public struct SemaphoreOperation: LinuxStruct {
    public static let size = 6
    public var number: UInt16
    public var operation: Int16
    public var flags: Int16

    public init(number: UInt16, operation: Int16, flags: Int16) {
        self.number = number
        self.operation = operation
        self.flags = flags
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU16(number)
        writer.appendI16(operation)
        writer.appendI16(flags)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        number = try reader.readU16()
        operation = try reader.readI16()
        flags = try reader.readI16()
    }
}

/// The fixed-width records of IPC_INFO and the *_INFO commands: a sequence of fields of one
/// width each (struct shminfo64 and shm_info are unsigned longs after an int, seminfo and
/// msginfo are ints and one trailing short), encoded as the C struct.
public enum IPCInfoRecord {
    /// struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall, four unused (72 bytes).
    public static func sharedMemoryLimits(maximumBytes: UInt64, minimumBytes: UInt64, maximumSegments: UInt64,
                                          segmentsPerProcess: UInt64, maximumPages: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 72)
        for value in [maximumBytes, minimumBytes, maximumSegments, segmentsPerProcess, maximumPages, 0, 0, 0, 0] {
            writer.appendU64(value)
        }
        return writer.bytes
    }

    /// struct shm_info: used_ids, then shm_tot, shm_rss, shm_swp, swap_attempts,
    /// swap_successes (48 bytes).
    public static func sharedMemoryUsage(usedIDs: Int32, totalPages: UInt64, residentPages: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 48)
        writer.appendI32(usedIDs)
        writer.appendZeros(4)
        for value in [totalPages, residentPages, 0, 0, 0] { writer.appendU64(value) }
        return writer.bytes
    }

    /// struct seminfo: semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx,
    /// semaem (40 bytes).
    public static func semaphores(_ fields: [Int32]) -> [UInt8] {
        var writer = ByteWriter(capacity: 40)
        for index in 0..<10 { writer.appendI32(index < fields.count ? fields[index] : 0) }
        return writer.bytes
    }

    /// struct msginfo: msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql, then the
    /// unsigned short msgseg (32 bytes).
    public static func messageQueues(_ fields: [Int32], segments: UInt16) -> [UInt8] {
        var writer = ByteWriter(capacity: 32)
        for index in 0..<7 { writer.appendI32(index < fields.count ? fields[index] : 0) }
        writer.appendU16(segments)
        writer.appendZeros(2)
        return writer.bytes
    }
}
