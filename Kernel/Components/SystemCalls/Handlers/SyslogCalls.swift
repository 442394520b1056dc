// syslog(2) (klogctl in C libraries): the kernel log's actions, done by the KernelLog component.

import KernelLog
import LinuxABI

enum SyslogCalls {
    static func syslog(_ call: SystemCallContext) throws(Errno) -> Int {
        try Syslog.perform(type: call.int32(0), buffer: call.address(1), length: call.int32(2))
    }
}
