// `swift test` on one of the host packages, with its counts read from swift-testing's and
// XCTest's summaries (swift-testing: "Test run with N tests ... passed/failed after";
// issues are counted from "✘ Test ... failed" lines).

import Foundation

public struct SwiftTestRun {
    let package: URL
    let scratch: URL

    public init(package: URL, scratch: URL) {
        self.package = package
        self.scratch = scratch
    }

    public func run() throws -> TestCounts {
        let result = try Shell.capture(["swift", "test", "--package-path", package.path, "--scratch-path", scratch.path],
                                       echo: .echo)
        var total = 0
        var failed = 0
        for line in result.output.split(separator: "\n") {
            if line.contains("Test run with"), let count = line.split(separator: " ").first(where: { Int($0) != nil }).flatMap({ Int($0) }) {
                total += count
            }
            if line.contains("✘ Test ") && line.contains(" failed") && !line.contains("Test run") { failed += 1 }
            if line.hasPrefix("Executed "), line.contains(" tests, with "),
               let count = Int(line.split(separator: " ")[1]) {
                total += count
                let parts = line.split(separator: " ")
                if let index = parts.firstIndex(of: "with"), index + 1 < parts.count, let failures = Int(parts[index + 1]) { failed += failures }
            }
        }
        if result.status != 0 && failed == 0 { failed = 1 }
        return TestCounts(passed: max(0, total - failed), failed: failed)
    }
}
