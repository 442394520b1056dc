// expect-error: requires that 'MapReadOnly' conform to 'CanWrite'
// A memory object reached through a read-and-map handle (a file opened O_RDONLY, an executable)
// cannot have its pages written, so a region mapped through it can never write the file.
import Capabilities
import FileSystem
import LinuxABI

func writeObject(_ object: MemoryObjectHandle<MapReadOnly>) throws(Errno) {
    _ = try object.pageForWriting(0)
}
