// expect: success
// The control case for the rights tests: with the rights present, the same calls compile, so
// the failures above are about rights, not about spelling.
import Capabilities
import FileSystem
import LinuxABI
import Process
import SystemCalls

func writeThroughReadWrite(_ handle: FileHandle<ReadWrite>) throws(Errno) -> Int {
    _ = try handle.read(toUser: 0x1000, count: 1)
    return try handle.write(fromUser: 0x1000, count: 1)
}

func narrow(_ handle: FileHandle<ReadWrite>) -> FileHandle<ReadOnly> {
    handle.readOnly
}

func writeObject(_ object: MemoryObjectHandle<MapReadWrite>) throws(Errno) {
    _ = try object.pageForWriting(0)
    _ = object.readOnly.page(0)
}

func signal(_ handle: ProcessHandle<SignalOnly>) {
    SignalDelivery.send(.SIGTERM, info: [], to: handle)
}

func manage(_ thread: Thread) throws(Errno) {
    try thread.ownCredentials?.setUserID(0)
}
