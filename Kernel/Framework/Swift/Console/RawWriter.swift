// Allocation-free console output for the panic path, where the heap may be the thing that broke.

import FrameworkAsm

enum RawWriter {
    static func write(_ text: StaticString) {
        text.withUTF8Buffer { buffer in
            // SAFETY: the buffer is the static string's storage, valid for the closure.
            for unsafe byte in unsafe buffer { put(byte) }
        }
    }

    static func put(_ byte: UInt8) {
        if byte == 10 { SerialConsole.writeByteUnlocked(13) }
        SerialConsole.writeByteUnlocked(byte)
    }

    static func hex(_ value: UInt64, digits: Int = 16) {
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xF)
            put(nibble < 10 ? 48 + nibble : 87 + nibble)
            shift -= 4
        }
    }

    static func decimal(_ value: UInt64) {
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var count = 0
        var rest = value
        repeat {
            digits[count] = UInt8(truncatingIfNeeded: rest % 10) + 48
            rest /= 10
            count += 1
        } while rest != 0
        while count > 0 {
            count -= 1
            put(digits[count])
        }
    }

    /// Writes a NUL-terminated string from kernel memory (symbol names), at most `limit` bytes.
    static func cString(at address: UInt64, limit: Int) {
        var offset = 0
        while offset < limit {
            // SAFETY: callers pass addresses inside the embedded symbol table, which is mapped
            // read-only for the kernel's whole lifetime and NUL-terminates every name.
            let byte = unsafe UnsafePointer<UInt8>(bitPattern: UInt(address) + UInt(offset))!.pointee
            if byte == 0 { return }
            put(byte)
            offset += 1
        }
    }
}
