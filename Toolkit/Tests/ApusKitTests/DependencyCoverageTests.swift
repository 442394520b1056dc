// Every program a test level runs on the host is in the toolkit's one dependency list, and the
// levels that run code the toolkit does not drive itself (the host unit tests, the toolkit's own
// tests, the Makefiles of Tests/User, Tests/Bench and Tests/Exhaustion) list what that code
// runs, so `apus test` installs it before the level starts. A fresh machine once failed the host level because GNU
// cpio and musl-gcc were installed only by later levels; this test fails instead.
//
// Programs are found in source text (comment lines aside): the first word of a command array
// given to Shell.capture/check/stream (and each command of an `["sh", "-c", script]`),
// Shell.which("..."), "/usr/bin/NAME" literals, and `CC`-style compiler variables of the Makefiles.

import Foundation
import Testing
@testable import apus
@testable import ApusKit

enum ProgramReferences {
    static let commandArray = try! NSRegularExpression(pattern: #"(?:capture|check|stream)\(\s*\[\s*"([^"]+)""#)
    static let shellScript = try! NSRegularExpression(pattern: #"\[\s*"sh",\s*"-c",\s*"((?:[^"\\]|\\.)*)""#)
    static let whichCall = try! NSRegularExpression(pattern: #"which\(\s*"([^"]+)"\s*\)"#)
    static let binaryPath = try! NSRegularExpression(pattern: #""/usr/bin/([A-Za-z0-9._+-]+)""#)
    static let compilerVariable = try! NSRegularExpression(pattern: #"(?m)^\s*[A-Z_]*CC\s*[:?]?=\s*(\S+)"#)

    static func matches(_ expression: NSRegularExpression, in text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// The programs an `sh -c` script starts: the first word of each command of a pipeline or list.
    static func commands(inScript script: String) -> [String] {
        script.components(separatedBy: CharacterSet(charactersIn: "|;&")).compactMap { segment in
            segment.split(separator: " ").first.map(String.init)
        }
    }

    static func inSwift(_ source: String) -> Set<String> {
        let text = source.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
        var names = Set(matches(commandArray, in: text) + matches(whichCall, in: text) + matches(binaryPath, in: text))
        for script in matches(shellScript, in: text) { names.formUnion(commands(inScript: script)) }
        return Set(names.map { ($0 as NSString).lastPathComponent })
    }

    static func inMakefile(_ text: String) -> Set<String> {
        Set(matches(compilerVariable, in: text))
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Programs named by the Swift files below `folder` (relative to the repository).
    static func inSwiftFiles(under folder: String) throws -> [String: Set<String>] {
        let base = repositoryRoot.appendingPathComponent(folder)
        var found: [String: Set<String>] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [:] }
        // This file's own sample texts are not programs anyone runs.
        for case let path as String in enumerator
        where path.hasSuffix(".swift") && !path.contains("Fixtures/") && !path.hasSuffix("DependencyCoverageTests.swift") {
            let names = inSwift(try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8))
            if !names.isEmpty { found[folder + "/" + path] = names }
        }
        return found
    }

    static func inMakefile(at path: String) throws -> Set<String> {
        inMakefile(try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8))
    }
}

@Test func findsProgramsInSourceText() {
    let source = #"""
        let a = try Shell.capture(["make", "-C", folder])
        try Shell.check(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\"", "x"])
        guard let path = Shell.which("busybox") else { return }
        let compiler = "/usr/bin/musl-gcc"
        let data = "#!/bin/sh\n"
        """#
    #expect(ProgramReferences.inSwift(source) == ["make", "sh", "dpkg-deb", "tar", "busybox", "musl-gcc"])
    #expect(ProgramReferences.inMakefile("MUSL_CC ?= musl-gcc\nGLIBC_CC ?= gcc\nCC := musl-gcc\nCFLAGS ?= -O2\n") == ["musl-gcc", "gcc"])
}

@Test func everyProgramTheToolkitRunsIsInTheDependencyList() throws {
    var unlisted: [String] = []
    for folder in ["Toolkit/Sources", "Toolkit/Tests", "Tests/Host"] {
        for (file, names) in try ProgramReferences.inSwiftFiles(under: folder) {
            for name in names.sorted() where Dependencies.requirement(forCommand: name) == nil {
                unlisted.append("\(file): \(name)")
            }
        }
    }
    for makefile in ["Tests/User/Makefile", "Tests/Bench/Makefile", "Tests/Exhaustion/Makefile"] {
        for name in try ProgramReferences.inMakefile(at: makefile).sorted() where Dependencies.requirement(forCommand: name) == nil {
            unlisted.append("\(makefile): \(name)")
        }
    }
    #expect(unlisted.isEmpty, "not in Toolkit/Sources/ApusKit/Dependencies.swift: \(unlisted)")
    // The scan sees the programs we know are there (it is not silently finding nothing).
    let toolkit = try ProgramReferences.inSwiftFiles(under: "Toolkit/Sources").values.reduce(Set<String>()) { $0.union($1) }
    #expect(toolkit.isSuperset(of: ["make", "busybox", "gdb", "llvm-objdump", "swift"]))
}

@Test func eachLevelInstallsWhatItsTestCodeRuns() throws {
    func union(_ folder: String) throws -> Set<String> {
        try ProgramReferences.inSwiftFiles(under: folder).values.reduce(Set<String>()) { $0.union($1) }
    }
    let needs: [(TestLevel, Set<String>)] = [
        (.host, try union("Tests/Host")),
        (.toolkit, try union("Toolkit/Tests")),
        (.linux, try ProgramReferences.inMakefile(at: "Tests/User/Makefile").union(["make"])),
        (.user, try ProgramReferences.inMakefile(at: "Tests/User/Makefile").union(["make"])),
        (.bench, try ProgramReferences.inMakefile(at: "Tests/Bench/Makefile").union(["make"])),
        (.exhaustion, try ProgramReferences.inMakefile(at: "Tests/Exhaustion/Makefile").union(["make"])),
    ]
    #expect(needs[0].1.isSuperset(of: ["cpio", "musl-gcc", "gcc"]))
    for (level, programs) in needs {
        let listed = Set(level.requirements.map(\.command))
        let missing = programs.subtracting(listed).sorted()
        #expect(missing.isEmpty, "level \(level.rawValue) runs \(missing) but does not install it first (TestLevelRequirements.swift)")
    }
}

@Test func everyLevelRequirementIsInTheDependencyList() {
    let listed = Set(Dependencies.all)
    for level in TestLevel.allCases {
        let strays = level.requirements.filter { !listed.contains($0) }
        #expect(strays.isEmpty, "level \(level.rawValue): \(strays) not in Dependencies.all")
    }
    #expect(Dependencies.installablePackages.contains("cpio"))
    #expect(Dependencies.requirement(forCommand: "/usr/bin/cpio")?.provider == .debianPackage("cpio"))
}
