// expect-error: cannot convert return expression of type 'FileHandle<ReadOnly>' to return type 'FileHandle<ReadWrite>'
// Rights only shrink: a read-only handle is not a read-write one.
import Capabilities
import FileSystem

func widen(_ handle: FileHandle<ReadOnly>) -> FileHandle<ReadWrite> {
    handle
}
