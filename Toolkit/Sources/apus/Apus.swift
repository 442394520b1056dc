// `apus`: the Apus kernel developer's kit. One command each to build, run, test and debug the
// kernel; `make` targets call it. Run `apus help <command>` for details.

import ApusKit
import ArgumentParser
import Foundation

@main
struct Apus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apus",
        abstract: "Build, run, test and debug the Apus kernel.",
        subcommands: [
            BuildCommand.self, RunCommand.self, TestCommand.self, KTestCommand.self, DebugCommand.self,
            UserTestCommand.self, LintCommand.self, TcbCommand.self, ComponentsCommand.self, DepsCommand.self, BenchCommand.self,
            SessionCommand.self, ShellTestCommand.self, FuzzCommand.self, ExhaustionCommand.self, MkdiskCommand.self,
            Ext2FuzzCommand.self,
            RootfsCommand.self, DistroCommand.self,
        ])
}

/// Reports toolkit errors as a plain message and a non-zero exit, not a Swift backtrace.
func reportingErrors(_ body: () throws -> Int32) throws {
    do {
        let status = try body()
        if status != 0 { throw ExitCode(status) }
    } catch let error as ToolkitError {
        FileHandle.standardError.write(Data("apus: error: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

struct DepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deps", abstract: "Install the host packages Apus needs (apt-get).")

    func run() throws {
        try reportingErrors {
            try Dependencies.ensure(Dependencies.all)
            return 0
        }
    }
}
