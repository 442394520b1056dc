// swift-tools-version: 6.2
//
// The Apus kernel package. Build it through the toolkit (`make build`), which adds the bare-metal
// triple, the `Embedded` trait, the toolset and the final link with the symbol table. The pure
// libraries are also products so that `Tests/Host` can unit-test them on the host.
//
// Module tiers (see README "Architecture"):
//   Framework, FrameworkAsm  privileged: the only code allowed to be unsafe
//   Libraries/*              pure logic, no Framework, host-testable
//   Components/*             safe kernel services, built with strict memory safety as an error
//   Entry                    the kernel executable (`Apus`)
import PackageDescription

let embedded: SwiftSetting = .enableExperimentalFeature("Embedded", .when(traits: ["Embedded"]))
let ktestBuild: SwiftSetting = .define("KTEST", .when(traits: ["KTest"]))
let strictlySafe: [SwiftSetting] = [.strictMemorySafety(), .treatWarning("StrictMemorySafety", as: .error)]

/// A pure-logic library: no Framework, compiles hosted (tests) and embedded (kernel).
func library(_ name: String, dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: "Libraries/\(name)",
            swiftSettings: [embedded, ktestBuild] + strictlySafe)
}

/// A safe kernel component: may use Framework's safe API, never `unsafe`.
func component(_ name: String, dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: "Components/\(name)",
            swiftSettings: [embedded, ktestBuild] + strictlySafe)
}

let pureLibraries: [String] = ["BuddyAllocator", "KernelCommandLine", "Capabilities", "Inflate", "Cpio", "ElfFormat", "LinuxABI", "RegionMap", "LineDiscipline", "Ext2", "InternetStack", "VirtioQueue", "PartitionTable", "LockRanges", "KernelLogRing"]

let package = Package(
    name: "ApusKernel",
    products: pureLibraries.map { .library(name: $0, targets: [$0]) } + [
        .executable(name: "Apus", targets: ["Apus"]),
    ],
    traits: [
        .trait(name: "Embedded", description: "Build for x86_64-unknown-none-elf with Embedded Swift"),
        .trait(name: "KTest", description: "Link the in-kernel tests and run them instead of init"),
    ],
    targets: [
        .target(name: "FrameworkAsm", path: "Framework/Asm"),
        .target(name: "Framework", dependencies: ["FrameworkAsm", "BuddyAllocator", "KernelCommandLine", "KernelLogRing"],
                path: "Framework/Swift",
                // Unsafe code is allowed here, but every unsafe operation must still be marked
                // `unsafe` (so the TCB report sees and counts it) and justified by a SAFETY comment.
                swiftSettings: [embedded, ktestBuild, .enableExperimentalFeature("Extern")] + strictlySafe),

        library("BuddyAllocator"),
        library("KernelCommandLine"),
        library("Capabilities"),
        library("Inflate"),
        library("Cpio"),
        library("ElfFormat"),
        library("LinuxABI"),
        library("RegionMap"),
        library("LineDiscipline", dependencies: ["LinuxABI"]),
        library("Ext2", dependencies: ["LinuxABI"]),
        library("InternetStack", dependencies: ["LinuxABI"]),
        library("VirtioQueue"),
        library("PartitionTable"),
        library("LockRanges", dependencies: ["LinuxABI"]),
        library("KernelLogRing"),

        component("Scheduling", dependencies: ["Framework"]),
        component("Block", dependencies: ["Framework", "Scheduling", "LinuxABI", "PartitionTable"]),
        component("Virtio", dependencies: ["Framework", "VirtioQueue"]),
        component("VirtioBlock", dependencies: ["Framework", "Block", "Virtio", "VirtioQueue", "LinuxABI"]),
        component("FileSystem", dependencies: ["Framework", "Scheduling", "LinuxABI", "Capabilities", "Cpio", "Inflate", "Block"]),
        component("Ext2FS", dependencies: ["Framework", "Block", "FileSystem", "Ext2", "LinuxABI", "Scheduling", "Capabilities"]),
        component("Memory", dependencies: ["Framework", "FileSystem", "LinuxABI", "Capabilities", "RegionMap"]),
        component("Terminal", dependencies: ["Framework", "FileSystem", "Scheduling", "LinuxABI", "LineDiscipline"]),
        component("FileLocks", dependencies: ["Framework", "FileSystem", "LinuxABI", "Scheduling", "LockRanges"]),
        component("Process", dependencies: ["Framework", "FileSystem", "Memory", "LinuxABI", "Capabilities", "ElfFormat",
                                            "Scheduling", "FileLocks"]),
        component("Events", dependencies: ["Framework", "FileSystem", "Scheduling", "Process", "LinuxABI"]),
        component("ProcFS", dependencies: ["Framework", "FileSystem", "Memory", "Process", "LinuxABI", "Scheduling", "FileLocks", "Network", "SystemVIPC", "KernelLog", "Terminal"]),
        component("Futex", dependencies: ["Framework", "FileSystem", "Memory", "LinuxABI", "Scheduling", "Capabilities"]),
        component("Network", dependencies: ["Framework", "FileSystem", "Scheduling", "LinuxABI", "InternetStack"]),
        component("VirtioNet", dependencies: ["Framework", "Virtio", "VirtioQueue", "Network", "InternetStack", "Scheduling"]),
        component("SystemVIPC", dependencies: ["Framework", "FileSystem", "Memory", "Process", "LinuxABI", "Scheduling", "Capabilities"]),
        component("KernelLog", dependencies: ["Framework", "FileSystem", "Process", "LinuxABI", "Scheduling", "KernelLogRing"]),
        component("SystemCalls", dependencies: ["Framework", "FileSystem", "Memory", "Process", "ProcFS", "Terminal", "Scheduling",
                                                "LinuxABI", "Capabilities", "KernelCommandLine", "Events", "Futex",
                                                "FileLocks", "LockRanges", "Network", "SystemVIPC", "KernelLog"]),

        .target(name: "KTestRegistry", dependencies: ["Framework", "Scheduling", "FileSystem", "Memory", "ProcFS", "SystemCalls", "Events", "Futex", "Block", "VirtioBlock", "Network", "Ext2FS", "KernelLog"], path: "KTests",
                swiftSettings: [embedded, ktestBuild] + strictlySafe),

        .executableTarget(name: "Apus", dependencies: [
            "Framework", "Scheduling", "KernelCommandLine", "FileSystem", "Memory", "SystemCalls", "VirtioBlock", "Ext2FS",
            "VirtioNet", "KernelLog",
            .target(name: "KTestRegistry", condition: .when(traits: ["KTest"])),
        ], path: "Entry",
                          swiftSettings: [embedded, ktestBuild] + strictlySafe),
    ]
)
