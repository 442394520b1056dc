// expect-error: requires that 'ReadOnly' conform to 'CanManage'
// expect-error: 'setUserID' is inaccessible due to 'internal' protection level
// Credentials are read-only values outside the process module; changing them takes a handle
// with the manage right, which a thread gets only for its own process.
import Capabilities
import LinuxABI
import Process

func manageReadOnly(_ handle: CredentialsHandle<ReadOnly>) throws(Errno) {
    try handle.setUserID(0)
}

func setDirectly(_ process: Process) throws(Errno) {
    try process.credentials.setUserID(0)
}
