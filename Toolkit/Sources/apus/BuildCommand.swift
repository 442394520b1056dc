// `apus build`: compile and link the kernel image (out/apus.elf), or the test kernel.

import ApusKit
import ArgumentParser

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Build the kernel image (out/apus.elf).")

    @Flag(name: .long, help: "Build the in-kernel test image (out/apus-ktest.elf) instead.")
    var ktest = false

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            let image = try KernelBuild(project: project, variant: ktest ? .ktest : .kernel).build()
            let size = (try? image.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
            print("built \(image.path) (\(size / 1024) KiB)")
            return 0
        }
    }
}
