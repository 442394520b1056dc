// C symbols the Embedded Swift runtime and stdlib call: memory primitives (through `rep movsb` /
// `rep stosb` inline assembly, so the optimizer cannot turn them back into calls to themselves)
// and the random seed for hashing. The allocator entry points are in Memory/Heap.swift, reached
// through Asm/runtime.S. `ceil` is deliberately absent: Dictionary and Set need it, and they use
// x87 floating point, which the kernel must not touch (user FPU state lives in the registers).

import FrameworkAsm

@c(memset)
func memset(_ destination: UnsafeMutableRawPointer, _ value: Int32, _ count: Int) -> UnsafeMutableRawPointer {
    // SAFETY: the C contract: destination has count writable bytes.
    unsafe cpu_fill_bytes(destination, UInt8(truncatingIfNeeded: value), UInt64(count))
    return unsafe destination
}

@c(memcpy)
func memcpy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) -> UnsafeMutableRawPointer {
    // SAFETY: the C contract: both ranges are valid and do not overlap.
    unsafe cpu_copy_bytes(destination, source, UInt64(count))
    return unsafe destination
}

@c(memmove)
func memmove(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) -> UnsafeMutableRawPointer {
    // SAFETY: the C contract: both ranges are valid; the copy direction handles overlap.
    if UInt(bitPattern: destination) <= UInt(bitPattern: source) {
        unsafe cpu_copy_bytes(destination, source, UInt64(count))
    } else {
        unsafe cpu_copy_bytes_backward(destination, source, UInt64(count))
    }
    return unsafe destination
}

@c(memcmp)
func memcmp(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, _ count: Int) -> Int32 {
    for index in 0..<count {
        // SAFETY: the C contract: both ranges have count readable bytes.
        let a = unsafe left.load(fromByteOffset: index, as: UInt8.self)
        let b = unsafe right.load(fromByteOffset: index, as: UInt8.self)
        if a != b { return Int32(a) - Int32(b) }
    }
    return 0
}

@c(arc4random_buf)
func arc4randomBuffer(_ buffer: UnsafeMutableRawPointer, _ count: Int) {
    for index in 0..<count {
        // SAFETY: the C contract: buffer has count writable bytes.
        unsafe buffer.storeBytes(of: UInt8(truncatingIfNeeded: HardwareRandom.next64()), toByteOffset: index, as: UInt8.self)
    }
}
