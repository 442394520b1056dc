// expect-error: requires that 'NoRights' conform to 'CanSignal'
// Signals go only through a process handle with the signal right (obtained through kill(2)'s
// permission rule); a bare identity handle cannot signal.
import Capabilities
import Process
import SystemCalls

func signalWithoutRight(_ handle: ProcessHandle<SignalOnly>) {
    SignalDelivery.send(.SIGKILL, info: [], to: handle.identity)
}
