// Zero cost of static rights, measured: the test kernel holds pairs of probe functions that do
// one operation through a capability handle and directly on the object (Kernel/Components/
// FileSystem/RightsKTests.swift). Each pair must compile to the same machine code. Either the
// compiler merged the two bodies (each probe is then a frame-setup-and-jump thunk that ends in
// the same shared body), or their instructions, with addresses normalised, are identical.
// The same disassembly is also checked for calls to swift_coroFrameAlloc and to out-of-line
// cpu.h helpers (see below).

import Foundation

public struct ZeroCostCheck {
    public static let probePairs: [(handle: String, direct: String)] = [
        ("zeroCostProbePageThroughHandle", "zeroCostProbePageDirect"),
        ("zeroCostProbeReadThroughHandle", "zeroCostProbeReadDirect"),
    ]

    struct Function {
        let address: UInt64
        let instructions: [String]
    }

    let image: URL

    public init(image: URL) { self.image = image }

    /// Checks every pair; prints one line per pair and returns the counts.
    public func run() throws -> TestCounts {
        let functions = try disassembly()
        var counts = TestCounts(passed: 0, failed: 0)
        for pair in Self.probePairs {
            let verdict = compare(pair.handle, pair.direct, in: functions)
            if let problem = verdict {
                print("zero-cost \(pair.handle) vs \(pair.direct) ... FAILED\n    \(problem)")
                counts.failed += 1
            } else {
                print("zero-cost \(pair.handle) vs \(pair.direct) ... ok")
                counts.passed += 1
            }
        }
        let forbiddenCalls = [
            ("no-coroutine-frame-allocation", Self.coroutineFrameAllocators(in: functions)),
            ("cpu-helpers-inlined", Self.outOfLineCPUHelperCallers(in: functions)),
        ]
        for (check, callers) in forbiddenCalls {
            if callers.isEmpty {
                print("\(check) ... ok")
                counts.passed += 1
            } else {
                print("\(check) ... FAILED\n    " + callers.joined(separator: "\n    "))
                counts.failed += 1
                counts.failures.append("\(check): " + callers.joined(separator: ", "))
            }
        }
        return counts
    }

    /// Functions that call swift_coroFrameAlloc: a `_read`/`_modify` accessor that was not inlined
    /// and heap-allocates its frame. In the kernel that is a hidden allocation, and under the frame
    /// allocator's or the heap's lock a self-deadlock (the heap refills from the frame allocator),
    /// so none is allowed: use a plain `get`, or the storage in place.
    static func coroutineFrameAllocators(in functions: [String: Function]) -> [String] {
        callers(of: "swift_coroFrameAlloc", in: functions)
    }

    /// Functions that call one of cpu.h's `static inline` helpers out of line (cli, rdtsc, mov cr3
    /// each a call and a return): they must be inlined, which C flags such as -ffreestanding
    /// (its no-builtins attribute) silently prevent.
    static func outOfLineCPUHelperCallers(in functions: [String: Function]) -> [String] {
        callers(of: "cpu_", in: functions)
    }

    /// Functions other than `target` itself with a call to a function whose name starts with it.
    static func callers(of target: String, in functions: [String: Function]) -> [String] {
        functions.filter { name, function in
            name != target && function.instructions.contains { $0.hasPrefix("call") && $0.contains("<" + target) }
        }.keys.sorted()
    }

    func compare(_ first: String, _ second: String, in functions: [String: Function]) -> String? {
        guard let a = probe(named: first, in: functions), let b = probe(named: second, in: functions) else {
            return "probe not found in \(image.lastPathComponent) (was it inlined or dropped?)"
        }
        let endA = Self.resolveThunks(a, in: functions)
        let endB = Self.resolveThunks(b, in: functions)
        if endA.address == endB.address { return nil }                          // merged by the compiler
        if Self.normalised(endA) == Self.normalised(endB) { return nil }
        return "different code:\n" + Self.normalised(endA).joined(separator: "\n") + "\n  ---\n"
            + Self.normalised(endB).joined(separator: "\n")
    }

    func probe(named name: String, in functions: [String: Function]) -> Function? {
        functions.first { symbol, _ in symbol.contains(name) && !symbol.hasSuffix("Tm") }?.value
    }

    /// Follows functions that only set up a frame and jump (or call and return) to another one.
    static func resolveThunks(_ start: Function, in functions: [String: Function]) -> Function {
        var current = start
        for _ in 0..<4 {
            let body = current.instructions.filter { !$0.hasPrefix("nop") && $0 != "int3" }
            let forwarding: [[String]] = [["pushq %rbp", "movq %rsp, %rbp", "popq %rbp", "jmp"],
                                          ["pushq %rbp", "movq %rsp, %rbp", "callq", "popq %rbp", "retq"], ["jmp"]]
            guard forwarding.contains(where: { shape in
                shape.count == body.count && zip(shape, body).allSatisfy { $1.hasPrefix($0) }
            }), let jump = body.first(where: { $0.hasPrefix("jmp") || $0.hasPrefix("callq") }),
                  let target = targetAddress(jump),
                  let next = functions.values.first(where: { $0.address == target }) else { break }
            current = next
        }
        return current
    }

    static func targetAddress(_ instruction: String) -> UInt64? {
        let parts = instruction.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        return UInt64(parts[1].replacingOccurrences(of: "0x", with: ""), radix: 16)
    }

    /// Instructions without absolute addresses; branch targets as symbol names or own offsets.
    static func normalised(_ function: Function) -> [String] {
        function.instructions.map { instruction in
            guard let open = instruction.firstIndex(of: "<") else { return instruction }
            let mnemonic = instruction.split(separator: " ").first.map(String.init) ?? ""
            return mnemonic + " " + String(instruction[open...])
        }
    }

    /// Every function of the image: symbol → address and instructions (objdump's text).
    func disassembly() throws -> [String: Function] {
        let listing = try Shell.check(["llvm-objdump", "-d", "--no-show-raw-insn", image.path])
        var functions: [String: Function] = [:]
        var name: String?
        var address: UInt64 = 0
        var instructions: [String] = []
        func flush() {
            if let name { functions[name] = Function(address: address, instructions: instructions) }
        }
        for line in listing.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasSuffix(">:"), let open = line.firstIndex(of: "<") {
                flush()
                address = UInt64(line[..<open].trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
                name = String(line[line.index(after: open)..<line.index(line.endIndex, offsetBy: -2)])
                instructions = []
            } else if let colon = line.firstIndex(of: ":"), name != nil {
                let text = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
                if !text.isEmpty { instructions.append(text.components(separatedBy: " #").first ?? text) }
            }
        }
        flush()
        return functions
    }
}
