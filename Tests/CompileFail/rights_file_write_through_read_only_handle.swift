// expect-error: requires that 'ReadOnly' conform to 'CanWrite'
// Kernel code holding a read-only file handle cannot write through it.
import Capabilities
import FileSystem
import LinuxABI

func writeThroughReadOnly(_ handle: FileHandle<ReadOnly>) throws(Errno) -> Int {
    try handle.write(fromUser: 0x1000, count: 1)
}
