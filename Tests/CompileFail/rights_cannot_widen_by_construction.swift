// expect-error: is inaccessible due to 'internal' protection level
// Nor can a component mint a handle with more rights from the one it holds: handles are made
// only by their owning module (after the dynamic check of the open mode).
import Capabilities
import FileSystem

func mint(_ handle: MemoryObjectHandle<MapReadOnly>) -> MemoryObjectHandle<MapReadWrite> {
    MemoryObjectHandle<MapReadWrite>(object: handle.object)
}
