// The `ext2` level of the regression programs (Tests/User/ext2, include/apus_ext2.h): each
// program mounts /dev/vda, a fresh ext2 image with the label the programs look for, and works in
// a directory of its own there. On Apus each program boots alone with its own fresh image, and
// `e2fsck -fn` must call the image clean after it (a program that passed but left a damaged file
// system fails). On Linux (Debian's kernel under the same QEMU, LinuxDiskGuest.swift) all the
// programs of one libc run in one boot, one after the other, on one image, and e2fsck checks it
// once at the end: a result of its own, `ext2/e2fsck-after-linux`. Programs listed in
// Tests/User/ext2/apus-known-failures (with the reason) are not run on Apus: they are printed as
// known failures and counted as neither; they run on Linux like the others.

import Foundation

extension UserTests {
    static let ext2ImageBytes = 64 << 20
    static let ext2ImageLabel = "apus-ext2-test"

    /// "ext2/NAME" -> why Apus does not pass it yet.
    func knownApusFailures() -> [String: String] {
        let file = sourceFolder.appendingPathComponent("ext2/apus-known-failures")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [:] }
        var known: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard words.count == 2 else { continue }
            known["ext2/\(words[0])"] = words[1].trimmingCharacters(in: .whitespaces)
        }
        return known
    }

    static func makeExt2TestImage(at image: URL) throws {
        try Ext2Disk.makeEmpty(at: image, sizeBytes: ext2ImageBytes, label: ext2ImageLabel)
    }

    /// Runs the `ext2` programs `names` of `libc` in one Linux boot; their results and e2fsck's.
    func runExt2BatchOnLinuxGuest(libc: String, names: [String]) throws -> [Result] {
        let image = project.output("linux-test-ext2.img")
        try Self.makeExt2TestImage(at: image)
        let programs = names.map { (name: $0, file: buildFolder.appendingPathComponent(libc).appendingPathComponent($0)) }
        let timeout = Double(120 + 60 * names.count)
        let runs = try LinuxDiskGuest(project: project).runBatch(programs: programs, disk: image, modules: .virtioBlockAndExt2,
                                                                 timeoutSeconds: timeout)
        var results = runs.map { run in
            let (verdict, detail) = Self.verdict(output: run.output, status: run.status, name: run.name)
            return Result(libc: libc, name: run.name, verdict: verdict, detail: detail)
        }
        let fsckName = "ext2/e2fsck-after-linux"
        if let problem = try Ext2Disk.uncleanReport(of: image) {
            results.append(Result(libc: libc, name: fsckName, verdict: .failed, detail: "FAIL \(fsckName): \(problem)"))
        } else {
            results.append(Result(libc: libc, name: fsckName, verdict: .passed, detail: "PASS \(fsckName)"))
        }
        return results
    }
}
