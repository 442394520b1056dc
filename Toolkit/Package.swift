// swift-tools-version: 6.2
//
// The Apus toolkit: the host-side command `apus` that builds, runs, tests, debugs and measures the
// kernel (`make` targets call it), plus the analyses it runs (safety lint, TCB report, component
// access policy). Runs on the host; never linked into the kernel.
import PackageDescription

let package = Package(
    name: "ApusToolkit",
    platforms: [.macOS(.v13)],
    products: [.executable(name: "apus", targets: ["apus"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "602.0.0"),
        // The kernel's pure libraries, reused on the host (the cpio writer builds initramfs images).
        .package(name: "ApusKernel", path: "../Kernel"),
    ],
    targets: [
        .executableTarget(name: "apus", dependencies: [
            "ApusKit", "ApusAnalysis",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "ApusKit", dependencies: [.product(name: "Cpio", package: "ApusKernel")]),
        .target(name: "ApusAnalysis", dependencies: [
            .product(name: "SwiftSyntax", package: "swift-syntax"),
            .product(name: "SwiftParser", package: "swift-syntax"),
        ]),
        .testTarget(name: "ApusKitTests", dependencies: [
            "ApusKit", "apus",
            .product(name: "Cpio", package: "ApusKernel"),
            .product(name: "KernelCommandLine", package: "ApusKernel"),
        ]),
        .testTarget(name: "ApusAnalysisTests", dependencies: ["ApusAnalysis"],
                    resources: [.copy("Fixtures")]),
    ]
)
