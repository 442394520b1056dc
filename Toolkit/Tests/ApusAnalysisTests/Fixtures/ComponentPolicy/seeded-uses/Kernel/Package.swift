// swift-tools-version: 6.2
import PackageDescription

func component(_ name: String, dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, path: "Components/\(name)")
}

let package = Package(
    name: "Fixture",
    targets: [
        .target(name: "Framework", path: "Framework/Swift"),
        .target(name: "Parsing", path: "Libraries/Parsing"),
        component("Alpha", dependencies: ["Framework"]),
        component("Beta", dependencies: ["Framework", "Alpha", "Parsing"]),
        .executableTarget(name: "Apus", dependencies: ["Framework", "Alpha", .target(name: "Beta")], path: "Entry"),
    ]
)
