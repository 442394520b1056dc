// The TCB report on fixtures with known numbers: line counts, unsafe sites, missing and present
// SAFETY justifications, public API exposing unsafe or C types, the gate and its JSON form.
import ApusAnalysis
import Foundation
import Testing

@Suite("TCB report")
struct TcbReportTests {
    @Test func countsLinesOfCodeByLanguage() throws {
        let report = try Fixture.tcb("tcb-counts")
        #expect(report.frameworkLines == LanguageLineCounts(swift: 12, cHeaders: 10, cSources: 0, assembly: 6))
        #expect(report.frameworkLines.total == 28)
        #expect(report.kernelLines == LanguageLineCounts(swift: 19, cHeaders: 10, cSources: 0, assembly: 6))
        #expect(report.kernelLines.total == 35)
        #expect(report.frameworkSharePercent == 80.0)
        #expect(report.moduleLines.map(\.module) == ["Framework", "FrameworkAsm", "Parsing", "Scheduling", "Apus"])
        #expect(report.moduleLines.map(\.lines.total) == [12, 16, 3, 3, 1])
        #expect(report.lineCountDefinition.contains("comment-only lines are not counted"))
    }

    @Test func listsAssemblyFilesWithLineCounts() throws {
        let report = try Fixture.tcb("tcb-counts")
        #expect(report.assemblyFiles == [AssemblyFileSize(path: "Kernel/Framework/Asm/entry.S", lines: 9, codeLines: 6)])
    }

    @Test func countsUnsafeSitesPerFile() throws {
        let report = try Fixture.tcb("tcb-counts")
        #expect(report.unsafeSitesByFile.map(\.path) == ["Kernel/Framework/Asm/include/cpu.h", "Kernel/Framework/Swift/Sites.swift"])
        #expect(report.unsafeSitesByFile[0].countsByKind == ["inline-asm": 2])
        #expect(report.unsafeSitesByFile[1].countsByKind == ["nonisolated-unsafe": 1, "unsafe-expression": 1])
        #expect(report.unsafeSiteCount == 4)
        #expect(report.unjustifiedSites.isEmpty)
        #expect(report.unsafePublicAPI.isEmpty)
        #expect(report.passesGate)
    }

    @Test func missingSafetyCommentsAreCaught() throws {
        let report = try Fixture.tcb("tcb-unjustified")
        let unjustified = report.unjustifiedSites.map { "\($0.path.split(separator: "/").last!):\($0.line) \($0.kind)" }
        #expect(unjustified == [
            "cpu.h:1 inline-asm",
            "cpu.h:7 inline-asm",
            "Unjustified.swift:8 nonisolated-unsafe",
            "Unjustified.swift:12 nonisolated-unsafe",
            "Unjustified.swift:15 unsafe-attribute",
            "Unjustified.swift:21 unsafe-expression",
            "Unjustified.swift:23 unsafe-expression",
        ])
        #expect(report.unsafeSiteCount == 15)
        #expect(!report.passesGate)
        #expect(report.gateFailures == ["7 unsafe sites in the privileged modules lack a SAFETY justification"])
    }

    @Test func properlyCommentedSitesAreAccepted() throws {
        let report = try Fixture.tcb("tcb-justified")
        #expect(report.unjustifiedSites == [])
        let swiftSites = try #require(report.unsafeSitesByFile.first { $0.path.hasSuffix("Justified.swift") })
        #expect(swiftSites.countsByKind == ["unsafe-attribute": 2, "unsafe-expression": 11, "unchecked-sendable": 1, "unowned-unsafe": 1])
        let asmSites = try #require(report.unsafeSitesByFile.first { $0.path.hasSuffix("cpu.h") })
        #expect(asmSites.countsByKind == ["inline-asm": 5])
        #expect(report.passesGate)
    }

    @Test func publicApiExposingUnsafeOrCTypesIsCaught() throws {
        let report = try Fixture.tcb("tcb-public-unsafe")
        let found = report.unsafePublicAPI.map { "\($0.line) \($0.declaration): \($0.exposedTypes.joined(separator: ","))" }
        #expect(found == [
            "3 func map: UnsafeMutableRawPointer",
            "6 let raw: OpaquePointer",
            "8 init: CInt",
            "9 subscript: UnsafePointer",
            "15 case trap: trap_frame_t",
            "19 typealias Handler: irq_handler_t",
            "21 func window: gdt_pointer",
            "23 var table: UnsafeMutablePointer",
            "25 func base: physaddr_t",
            "29 func fromC: FrameworkAsm,physaddr_t",
        ])
        #expect(report.gateFailures == ["10 public Framework declarations expose unsafe or C types"])
    }

    @Test func jsonCarriesTheGateVerdictAndRoundTrips() throws {
        let report = try Fixture.tcb("tcb-unjustified")
        let json = try report.jsonText()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["passesGate"] as? Bool == false)
        #expect((object["gateFailures"] as? [String])?.count == 1)
        #expect((object["frameworkLines"] as? [String: Int])?["total"] == report.frameworkLines.total)
        let decoded = try JSONDecoder().decode(TcbReport.self, from: Data(json.utf8))
        #expect(decoded.unjustifiedSites == report.unjustifiedSites)
        #expect(try Fixture.tcb("tcb-unjustified").jsonText() == json)
    }

    @Test func textStatesTheDefinitionAndTheVerdict() throws {
        let passing = try Fixture.tcb("tcb-counts").text()
        #expect(passing.contains("Lines of code: a line of code is a line holding at least one character"))
        #expect(passing.contains("Framework share of the kernel: 80.0%"))
        #expect(passing.contains("Kernel/Framework/Asm/entry.S: 9 lines (6 code)"))
        #expect(passing.hasSuffix("tcb gate: pass"))
        let failing = try Fixture.tcb("tcb-public-unsafe").text()
        #expect(failing.contains("Kernel/Framework/Swift/Api.swift:3:1: public func map exposes UnsafeMutableRawPointer"))
        #expect(failing.hasSuffix("tcb gate: FAIL: 10 public Framework declarations expose unsafe or C types"))
    }
}
