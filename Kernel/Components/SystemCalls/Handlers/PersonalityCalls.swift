// personality(2): sets the process's execution domain and flags and returns the previous value;
// 0xffffffff only asks. Linux keeps any value; Apus acts on ADDR_NO_RANDOMIZE (the next exec's
// layout is not randomized: AddressSpaceLayout.swift) and keeps the rest for the caller to read.

import LinuxABI
import Process

enum PersonalityCalls {
    static func personality(_ call: SystemCallContext) throws(Errno) -> Int {
        let requested = call.uint32(0)
        let previous = call.process.personality.rawValue
        if requested != Personality.query { call.process.personality = Personality(rawValue: requested) }
        return Int(previous)
    }
}
