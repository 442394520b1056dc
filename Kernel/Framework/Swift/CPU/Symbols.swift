// The kernel's own symbol table, for symbolized backtraces without a host tool.
// The toolkit links the kernel twice: the second link adds `.ksymtab` (built from the first
// link's symbols, demangled), placed after everything else so no address moves. Format:
//   u32 magic "KSYM", u32 count, u32 offset of the string area, u32 high half of every address,
//   count x { u32 low half of the address, u32 name offset, u32 size }   sorted by address,
//   NUL-terminated names (entries with the same name share one).
// (The kernel lies within one 4 GiB window, so 12-byte entries suffice: 18 KB less image.)
// A kernel linked without it (plain `swift build`) prints raw addresses only.

import FrameworkAsm

enum Symbols {
    static let magic: UInt32 = 0x4D59_534B
    // SAFETY: written once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var countStorageStorage: Int = 0
    static var countStorage: Int { _read { yield unsafe countStorageStorage } _modify { yield unsafe &countStorageStorage } }
    static var count: Int { _read { yield countStorage } _modify { yield &countStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var baseStorageStorage: UInt64 = 0
    static var baseStorage: UInt64 { _read { yield unsafe baseStorageStorage } _modify { yield unsafe &baseStorageStorage } }
    static var base: UInt64 { _read { yield baseStorage } _modify { yield &baseStorage } }

    static let entrySize: UInt64 = 12

    static func initialize() {
        let start = address_of___ksymtab_start()
        let end = address_of___ksymtab_end()
        guard end >= start + 16, word32(start) == magic else { return }
        let entries = Int(word32(start + 4))
        let stringsOffset = UInt64(word32(start + 8))
        guard stringsOffset >= 16 + UInt64(entries) * entrySize, start + stringsOffset <= end else { return }
        base = start
        count = entries
    }

    static func word32(_ address: UInt64) -> UInt32 {
        // SAFETY: callers read inside [__ksymtab_start, __ksymtab_end), mapped read-only.
        unsafe UnsafeRawPointer(bitPattern: UInt(address))!.loadUnaligned(as: UInt32.self)
    }

    static func entryAddress(_ index: Int) -> UInt64 {
        UInt64(word32(base + 12)) << 32 | UInt64(word32(base + 16 + UInt64(index) * entrySize))
    }

    /// The symbol containing `address`: (address of its name, offset into the function).
    static func lookup(_ address: UInt64) -> (name: UInt64, offset: UInt64)? {
        guard count > 0 else { return nil }
        var low = 0
        var high = count - 1
        guard address >= entryAddress(0) else { return nil }
        while low < high {
            let middle = (low + high + 1) / 2
            if entryAddress(middle) <= address { low = middle } else { high = middle - 1 }
        }
        let entry = base + 16 + UInt64(low) * entrySize
        let start = entryAddress(low)
        let size = UInt64(word32(entry + 8))
        if size != 0 && address >= start + size { return nil }
        let stringsOffset = UInt64(word32(base + 8))
        return (base + stringsOffset + UInt64(word32(entry + 4)), address - start)
    }

    /// Prints ` name+0xoffset` for `address`, or nothing if unknown.
    static func printSymbol(_ address: UInt64) {
        guard let symbol = lookup(address) else { return }
        RawWriter.put(32)
        RawWriter.cString(at: symbol.name, limit: 200)
        RawWriter.write(" + 0x")
        RawWriter.hex(symbol.offset, digits: 1 + (symbol.offset > 0xF ? 1 : 0) + (symbol.offset > 0xFF ? 1 : 0) + (symbol.offset > 0xFFF ? 1 : 0))
    }
}
