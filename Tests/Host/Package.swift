// swift-tools-version: 6.2
//
// Host unit tests for the kernel's pure-logic libraries (Kernel/Libraries/*), compiled as ordinary
// hosted Swift. Run with `make test` (or `swift test --package-path Tests/Host`).
import PackageDescription

let package = Package(
    name: "ApusHostTests",
    dependencies: [.package(name: "ApusKernel", path: "../../Kernel")],
    targets: [
        .testTarget(name: "BuddyAllocatorTests", dependencies: [.product(name: "BuddyAllocator", package: "ApusKernel")]),
        .testTarget(name: "KernelCommandLineTests", dependencies: [.product(name: "KernelCommandLine", package: "ApusKernel")]),
        .testTarget(name: "InflateTests", dependencies: [.product(name: "Inflate", package: "ApusKernel")]),
        .testTarget(name: "CpioTests", dependencies: [.product(name: "Cpio", package: "ApusKernel")]),
        .testTarget(name: "ElfFormatTests", dependencies: [.product(name: "ElfFormat", package: "ApusKernel")]),
        .testTarget(name: "RegionMapTests", dependencies: [.product(name: "RegionMap", package: "ApusKernel")]),
        .testTarget(name: "LinuxABITests", dependencies: [.product(name: "LinuxABI", package: "ApusKernel")]),
        .testTarget(name: "Ext2Tests", dependencies: [.product(name: "Ext2", package: "ApusKernel"), .product(name: "LinuxABI", package: "ApusKernel")]),
        .testTarget(name: "InternetStackTests", dependencies: [.product(name: "InternetStack", package: "ApusKernel"), .product(name: "LinuxABI", package: "ApusKernel")]),
        .testTarget(name: "LineDisciplineTests", dependencies: [.product(name: "LineDiscipline", package: "ApusKernel"), .product(name: "LinuxABI", package: "ApusKernel")], exclude: ["linux-transcripts.py"]),
        .testTarget(name: "VirtioQueueTests", dependencies: [.product(name: "VirtioQueue", package: "ApusKernel")]),
        .testTarget(name: "PartitionTableTests", dependencies: [.product(name: "PartitionTable", package: "ApusKernel")]),
        .testTarget(name: "KernelLogRingTests", dependencies: [.product(name: "KernelLogRing", package: "ApusKernel")]),
        .testTarget(name: "LockRangesTests", dependencies: [.product(name: "LockRanges", package: "ApusKernel"), .product(name: "LinuxABI", package: "ApusKernel")]),
    ]
)
