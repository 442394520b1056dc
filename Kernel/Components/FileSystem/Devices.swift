// Character devices and their registry (devices.txt numbers): opening a device node opens the
// device registered under its major/minor. The simple memory devices live here: /dev/null,
// /dev/zero, /dev/full, /dev/random and /dev/urandom (RDRAND-backed, never blocking: the
// hardware generator needs no seeding). The console/TTY registers itself from its component.

import Capabilities
import Framework
import LinuxABI
import Scheduling

open class CharacterDevice {
    public init() {}

    /// Called on open (TTYs make themselves the controlling terminal here).
    open func open(_ file: OpenFile) throws(Errno) {}
    open func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { throw .EINVAL }
    open func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { throw .EINVAL }
    /// Writes bytes from kernel memory (sendfile).
    open func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int { bytes.count }
    open func control(_ request: UInt32, argument: UInt64, file: OpenFile) throws(Errno) -> Int { throw .ENOTTY }
    /// A device with a readiness queue reports its own events; one without is always ready.
    open func pollEvents(file: OpenFile) -> PollEvents { .alwaysReady }
    open var readinessQueue: WaitQueue? { nil }
    open func release(_ file: OpenFile) {}
    /// lseek: memory devices and terminals accept every seek and stay at 0, like Linux's
    /// null/zero; a device with a position of its own (/dev/kmsg) decides.
    open func seek(to offset: Int64, whence: Int32, file: OpenFile) throws(Errno) -> UInt64 { 0 }
}

public final class DeviceRegistry: Sendable {
    public static let shared = DeviceRegistry()
    let devices = SpinLock<[(number: UInt64, device: CharacterDevice)]>([])

    public func register(major: UInt32, minor: UInt32, _ device: CharacterDevice) {
        devices.withLock { $0.append((makeDeviceNumber(major: major, minor: minor), device)) }
    }

    func device(_ number: UInt64) -> CharacterDevice? {
        devices.withLock { list in
            for entry in list where entry.number == number { return entry.device }
            return nil
        }
    }
}

/// The operations of an open device node: the device's.
final class DeviceFileOperations: FileOperations {
    let device: CharacterDevice

    init(device: CharacterDevice) {
        self.device = device
    }

    override func release(_ file: OpenFile) { device.release(file) }
    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try device.read(toUser: address, count: count, file: file)
    }
    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try device.write(fromUser: address, count: count, file: file)
    }
    override func read(_ file: OpenFile, at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try device.read(toUser: address, count: count, file: file)
    }
    override func write(_ file: OpenFile, at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try device.write(fromUser: address, count: count, file: file)
    }
    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int {
        try device.write(bytes: bytes, file: file)
    }
    override func seek(_ file: OpenFile, to offset: Int64, whence: Int32) throws(Errno) -> UInt64 {
        try device.seek(to: offset, whence: whence, file: file)
    }
    override func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        try device.control(request, argument: argument, file: file)
    }
    override func pollEvents(_ file: OpenFile) -> PollEvents { device.pollEvents(file: file) }
    override var readinessQueue: WaitQueue? { device.readinessQueue }
}

final class NullDevice: CharacterDevice {
    override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { 0 }
    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { count }
}

class ZeroDevice: CharacterDevice {
    override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        do { try UserMemory.zero(at: address, count: count) } catch { throw .EFAULT }
        return count
    }
    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { count }
}

/// /dev/full: reads zeros, every write fails with ENOSPC.
final class FullDevice: ZeroDevice {
    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { throw .ENOSPC }
    override func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int { throw .ENOSPC }
}

final class RandomDevice: CharacterDevice {
    override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        try RandomBytes.copyToUser(address: address, count: count)
    }
    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { count }
}

/// Random bytes for user space (getrandom, /dev/urandom, AT_RANDOM).
public enum RandomBytes {
    public static func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 8)
        while result.count < count {
            let word = HardwareRandom.next64()
            for shift in stride(from: 0, to: 64, by: 8) where result.count < count {
                result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return result
    }

    /// Copies `count` random bytes to user memory and returns how many landed: a fault after
    /// some bytes ends the copy with the count so far (as Linux's getrandom and /dev/urandom
    /// do), a fault before any is EFAULT. Pieces never cross a page, so the count stops exactly
    /// at the page that faulted.
    public static func copyToUser(address: UInt64, count: Int) throws(Errno) -> Int {
        var done = 0
        while done < count {
            let position = address &+ UInt64(done)
            let chunk = bytes(min(256, count - done, 4096 - Int(position & 0xFFF)))
            do { try UserMemory.write(chunk, to: position) } catch {
                if done > 0 { return done }
                throw .EFAULT
            }
            done += chunk.count
        }
        return done
    }
}

extension DeviceRegistry {
    /// Registers the memory devices (major 1).
    public func registerMemoryDevices() {
        register(major: 1, minor: 3, NullDevice())
        register(major: 1, minor: 5, ZeroDevice())
        register(major: 1, minor: 7, FullDevice())
        register(major: 1, minor: 8, RandomDevice())
        register(major: 1, minor: 9, RandomDevice())
    }
}
