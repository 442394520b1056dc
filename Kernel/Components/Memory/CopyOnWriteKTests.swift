// In-kernel tests of the copy-on-write invariant (AddressSpace.swift) through the real fault
// path: the test task takes on an address space and touches it with Framework's user copies,
// so every read and write goes through the CPU's page tables, and faults reach handleFault as a
// program's would. For every order of read fault, mprotect and fork before a write — on a
// private mapping of a file (a memory object standing for the page cache) and on anonymous
// memory — the write must land in the writer's own page only: the file's frame and every other
// address space keep what they had. Tests/User/cow/ checks the same orders from user space.

#if KTEST
import Capabilities
import FileSystem
import Framework

enum CopyOnWriteStep {
    case readFault
    case protect(PagePermissions)
    /// fork: a child address space joins; mprotect then applies to both sides.
    case fork
    case write(UInt8, in: CopyOnWriteSide)
}

enum CopyOnWriteSide { case parent, child }

enum CopyOnWriteBacking { case file, anonymous }

/// One scenario: an address space with a one-page private mapping, the steps applied in order,
/// and the byte each side should see at the end (a model run alongside).
struct CopyOnWriteScenario {
    static let fileByte: UInt8 = 0x46          // 'F'
    static let offset: UInt64 = 10

    let name: String
    let backing: CopyOnWriteBacking
    /// The mapping's protection at mmap time.
    let initial: PagePermissions
    let steps: [CopyOnWriteStep]

    func run(_ t: KTestContext) {
        let object = makeSharedAnonymousMemory(size: 4096)
        guard let filePage = try? object.pageForWriting(0) else { t.require(false, "\(name): file page"); return }
        filePage.fill(Self.fileByte, at: 0, count: 4096)
        guard let parent = try? AddressSpace() else { t.require(false, "\(name): address space"); return }
        let backingRegion: RegionBacking = backing == .file ? .object(MappedObject(readOnly: object.readOnly), offset: 0) : .anonymous
        let region = Region(permissions: initial, maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                            backing: backingRegion)
        guard let address = try? parent.map(length: 4096, placement: .anywhere(hint: 0), region: region) else {
            t.require(false, "\(name): map")
            return
        }
        var child: AddressSpace?
        var expected = (parent: backing == .file ? Self.fileByte : 0, child: UInt8(0))
        for step in steps {
            switch step {
            case .readFault:
                _ = Self.byte(at: address + Self.offset, in: parent)
            case .protect(let permissions):
                for space in [parent, child].compactMap({ $0 }) {
                    t.expect((try? space.protect(address: address, length: 4096, permissions: permissions)) != nil, "\(name): mprotect")
                }
            case .fork:
                child = try? parent.duplicate()
                t.require(child != nil, "\(name): fork")
                expected.child = expected.parent
            case let .write(value, side):
                guard let space = side == .parent ? parent : child else { t.require(false, "\(name): no child"); return }
                t.expect(Self.write(value, at: address + Self.offset, in: space), "\(name): write")
                if side == .parent { expected.parent = value } else { expected.child = value }
            }
        }
        t.expectEqual(Self.byte(at: address + Self.offset, in: parent), expected.parent, "\(name): the parent's view")
        if let child {
            t.expectEqual(Self.byte(at: address + Self.offset, in: child), expected.child, "\(name): the child's view")
        }
        t.expectEqual(object.page(0)?.read(at: Int(Self.offset), count: 1), [Self.fileByte], "\(name): the file is unchanged")
        MemoryManagerTesting.leave()
    }

    /// Reads one byte of `space` as its program would (CPU page tables, demand faults).
    static func byte(at address: UInt64, in space: AddressSpace) -> UInt8? {
        MemoryManagerTesting.enter(space)
        return (try? UserMemory.read(from: address, count: 1))?.first
    }

    static func write(_ value: UInt8, at address: UInt64, in space: AddressSpace) -> Bool {
        MemoryManagerTesting.enter(space)
        return (try? UserMemory.write([value], to: address)) != nil
    }
}

/// Lets the test task act as a thread of `space`: user copies reach it and their faults are
/// resolved in it.
enum MemoryManagerTesting {
    static func enter(_ space: AddressSpace) {
        Scheduler.current.owner = AddressSpaceUser(addressSpace: space)
        space.pageTables.activate()
    }

    static func leave() {
        Scheduler.current.owner = nil
        AddressSpace.empty.pageTables.activate()
    }
}

/// All orders of {read fault, mprotect RW, fork} before a write (in the child too when forked),
/// on a file page; and anonymous pages written, made read-only or PROT_NONE, forked and written.
func copyOnWriteScenarios() -> [CopyOnWriteScenario] {
    let read = CopyOnWriteStep.readFault
    let writable = CopyOnWriteStep.protect([.read, .write])
    let fork = CopyOnWriteStep.fork
    var orders: [[CopyOnWriteStep]] = [[]]
    let names = ["read", "mprotect-rw", "fork"]
    var labels: [String] = [""]
    for (index, step) in [read, writable, fork].enumerated() {
        var grown: [[CopyOnWriteStep]] = []
        var grownLabels: [String] = []
        for (order, label) in zip(orders, labels) {
            for position in 0...order.count {
                var next = order
                next.insert(step, at: position)
                grown.append(next)
                var parts = label.isEmpty ? [] : label.split(separator: " ").map(String.init)
                parts.insert(names[index], at: position)
                grownLabels.append(parts.joined(separator: " "))
            }
        }
        orders += grown
        labels += grownLabels
    }
    var scenarios: [CopyOnWriteScenario] = []
    for (order, label) in zip(orders, labels) {
        let forks = order.contains { if case .fork = $0 { true } else { false } }
        for side in forks ? [CopyOnWriteSide.parent, .child] : [.parent] {
            let name = "file: \(label) write-in-\(side == .parent ? "parent" : "child")"
            let hasProtect = order.contains { if case .protect = $0 { true } else { false } }
            scenarios.append(CopyOnWriteScenario(name: name, backing: .file, initial: hasProtect ? [.read] : [.read, .write],
                                                 steps: order + [.write(0x57, in: side)]))
        }
    }
    let readOnly = CopyOnWriteStep.protect([.read])
    let none = CopyOnWriteStep.protect([])
    for (label, middle) in [("ro", readOnly), ("none", none)] {
        for side in [CopyOnWriteSide.parent, .child] {
            let steps: [CopyOnWriteStep] = [.write(0x50, in: .parent), middle, fork, writable, .write(0x57, in: side)]
            scenarios.append(CopyOnWriteScenario(name: "anonymous: write \(label) fork mprotect-rw write-in-\(side == .parent ? "parent" : "child")",
                                                 backing: .anonymous, initial: [.read, .write], steps: steps))
            scenarios.append(CopyOnWriteScenario(name: "file: write \(label) fork mprotect-rw write-in-\(side == .parent ? "parent" : "child")",
                                                 backing: .file, initial: [.read, .write], steps: steps))
        }
    }
    return scenarios
}

public func registerCopyOnWriteKTests() {
    registerFaultAroundKTests()
    KTest.test("cow.every_order_of_fault_mprotect_fork_write") { t in
        for scenario in copyOnWriteScenarios() { scenario.run(t) }
    }
}
#endif
