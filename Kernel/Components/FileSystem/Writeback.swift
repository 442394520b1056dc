// sync(2): the file systems that hold data for a device (a mounted ext2 volume) register here,
// and sync writes each of them back before the disks flush their caches. In-memory file
// systems never register: they have nothing to write.

import Framework
import LinuxABI

/// Something sync(2) must write back.
public protocol WritebackTarget: AnyObject {
    /// Writes back everything dirty and flushes the device.
    func writeBack() throws(Errno)
}

public enum Writeback {
    static let targets = SpinLock<[any WritebackTarget]>([])

    public static func register(_ target: any WritebackTarget) {
        targets.withLock { $0.append(target) }
    }

    public static func unregister(_ target: any WritebackTarget) {
        targets.withLock { list in list.removeAll { $0 === target } }
    }

    /// sync(2): every registered target, then every disk's cache. Errors are not reported (sync
    /// returns nothing); each target logs its own.
    public static func writeBackAll() {
        for target in targets.withLock({ $0 }) { try? target.writeBack() }
        BlockDeviceNodes.flushAll()
    }
}
