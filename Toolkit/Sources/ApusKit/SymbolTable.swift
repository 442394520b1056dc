// The kernel's embedded symbol table (format documented in Framework/Swift/CPU/Symbols.swift),
// built from `llvm-nm` output with names demangled by `swift-demangle --simplified`. The same
// list serves `apus debug`, which resolves Swift names to addresses for gdb.

import Foundation

public struct KernelSymbol: Sendable, Equatable {
    public let address: UInt64
    public let size: UInt64
    public let mangledName: String
    public var name: String
}

public enum SymbolTable {
    /// Text symbols of `image`, sorted by address, with demangled names.
    public static func read(image: URL) throws -> [KernelSymbol] {
        let listing = try Shell.check(["llvm-nm", "--defined-only", "-n", "-S", image.path])
        var symbols: [KernelSymbol] = []
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 4, "tTwW".contains(fields[2]),
                  let address = UInt64(fields[0], radix: 16), let size = UInt64(fields[1], radix: 16),
                  address >= 0x7f80_0000_0000 else { continue }
            symbols.append(KernelSymbol(address: address, size: size, mangledName: String(fields[3]), name: String(fields[3])))
        }
        let demangled = try demangle(symbols.map(\.mangledName))
        for index in symbols.indices where index < demangled.count { symbols[index].name = demangled[index] }
        return symbols
    }

    static func demangle(_ names: [String]) throws -> [String] {
        let input = project_tempFile("symbols.txt")
        try names.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try Shell.capture(["sh", "-c", "swift-demangle --simplified < '\(input.path)'"])
        guard result.status == 0 else { return names }
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.count >= names.count ? Array(lines.prefix(names.count)) : names
    }

    static func project_tempFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("apus-\(getpid())-\(name)")
    }

    /// Binary table: header, sorted entries, NUL-terminated names. A name is stored once and
    /// shared by every entry that has it (specializations often demangle to the same simplified
    /// name): about a fifth of the string bytes.
    /// Entries hold the low half of each address; the header holds the high half, which every
    /// symbol shares (the kernel image lies in one 4 GiB window; others are left out).
    public static func encode(_ symbols: [KernelSymbol]) -> Data {
        var strings = Data()
        var entries = Data()
        var offsets: [String: UInt32] = [:]
        let high = symbols.first.map { UInt32($0.address >> 32) } ?? 0
        let kept = symbols.filter { UInt32($0.address >> 32) == high }
        for symbol in kept {
            let name = shorten(symbol.name)
            let offset: UInt32
            if let stored = offsets[name] {
                offset = stored
            } else {
                offset = UInt32(strings.count)
                offsets[name] = offset
                strings.append(contentsOf: Array(name.utf8))
                strings.append(0)
            }
            appendLittleEndian(&entries, UInt32(truncatingIfNeeded: symbol.address))
            appendLittleEndian(&entries, offset)
            appendLittleEndian(&entries, UInt32(truncatingIfNeeded: min(symbol.size, UInt64(UInt32.max))))
        }
        var table = Data()
        appendLittleEndian(&table, UInt32(0x4D59_534B))
        appendLittleEndian(&table, UInt32(kept.count))
        appendLittleEndian(&table, UInt32(16 + entries.count))
        appendLittleEndian(&table, high)
        table.append(entries)
        table.append(strings)
        return table
    }

    /// Keeps names readable and the table small: the words "specialized " and "static " go
    /// (noise in a backtrace; about 23 KB of image), and long generic signatures are cut.
    static func shorten(_ name: String) -> String {
        let plain = name.replacingOccurrences(of: "specialized ", with: "").replacingOccurrences(of: "static ", with: "")
        return plain.count > 120 ? String(plain.prefix(117)) + "..." : plain
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ data: inout Data, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}
