// `apus ext2fuzz`: a campaign of the mount-level ext2 corruption fuzzer (ApusKit/Ext2MountFuzz.swift):
// images made by mke2fs with random bytes in the superblock, group descriptors, inode table or
// directory blocks, several per boot, mounted, walked, changed and unmounted by a program in the
// guest. The fuzz test level runs 96 images; image n depends on seed n only.

import ApusKit
import ArgumentParser
import Foundation

struct Ext2FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ext2fuzz", abstract: "Mount and walk corrupted ext2 images on Apus (a long campaign; the fuzz level runs a short one).")

    @Option(name: .long, help: "The first image's seed; image n gets seed + n.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Images in all.")
    var images = 400

    @Option(name: .customLong("per-boot"), help: "Images attached to one boot (1-20).")
    var perBoot = 8

    @Flag(name: .long, help: "Show the console as it comes.")
    var echo = false

    func run() throws {
        try reportingErrors {
            var settings = Ext2MountFuzz.Settings()
            settings.firstSeed = seed
            settings.images = images
            settings.imagesPerBoot = min(max(perBoot, 1), 20)
            Shell.step("fuzzing ext2 mounts on Apus: \(images) images from seed \(seed), \(settings.imagesPerBoot) per boot")
            let counts = try Ext2MountFuzz(project: try Project.locate()).run(settings, echo: echo ? .echo : .quiet)
            print("\(counts.passed) passed, \(counts.failed) failed")
            return counts.failed == 0 && counts.passed > 0 ? 0 : 1
        }
    }
}
