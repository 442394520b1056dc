// The component checker on three fixture trees (Fixtures/ComponentPolicy): `clean` passes with
// every use granted and look-alike names left alone; `seeded-uses` has a component without grants
// reaching controlled APIs every way Swift allows (qualified, module-qualified, unqualified in an
// extension, through type aliases, a metatype value, an unapplied reference, a re-exported
// module) and a stale start-up file; `seeded-manifest` breaks each structural rule once.
@testable import ApusAnalysis
import Foundation
import Testing

private func check(_ fixture: String) throws -> ComponentPolicyReport {
    try ComponentPolicyChecker.check(repositoryRoot: Fixture.root("ComponentPolicy/\(fixture)"))
}

/// `file:line:column rule` of each finding, file reduced to its last component.
private func located(_ findings: [ComponentPolicyFinding]) -> [String] {
    findings.map { "\($0.path.split(separator: "/").last!):\($0.line):\($0.column) \($0.rule.rawValue)" }
}

@Suite("Component policy")
struct ComponentPolicyTests {
    @Test func cleanTreePasses() throws {
        let report = try check("clean")
        #expect(report.findings == [])
        #expect(report.failedChecks == 0)
        #expect(report.passedChecks == 13)
        #expect(report.startOrder == ["Alpha", "Beta"])
        #expect(report.startup?.isCurrent == true)
        let uses = report.uses.map { "\($0.module) \($0.api) \($0.path.split(separator: "/").last!):\($0.line)" }
        #expect(uses == ["Alpha power Alpha.swift:6", "Alpha pages Alpha.swift:9", "Alpha pages Alpha.swift:10",
                         "Alpha ports Alpha.swift:11", "Apus power main.swift:4"])
        #expect(report.uses.filter { !$0.isGranted } == [])
    }

    @Test func lookAlikesInTheCleanTreeAreNotUses() throws {
        let report = try check("clean")
        #expect(report.uses.filter { $0.path.hasSuffix("Beta.swift") } == [])
    }

    @Test func qualifiedUsesAreCaught() throws {
        let findings = try check("seeded-uses").findings(.ungrantedUse).filter { $0.path.hasSuffix("Qualified.swift") && !$0.path.hasSuffix("Unqualified.swift") }
        #expect(located(findings) == ["Qualified.swift:4:11 ungranted-use", "Qualified.swift:5:21 ungranted-use",
                                      "Qualified.swift:6:11 ungranted-use",   // Power.`off`
                                      "Qualified.swift:7:23 ungranted-use",   // Power.off(exitStatus:)
                                      "Qualified.swift:8:16 ungranted-use"])  // Power.self.off
        #expect(findings.filter { $0.module != "Beta" || $0.api != "power" } == [])
        #expect(findings[1].message.contains("module-qualified"))
        #expect(findings[0].description.hasPrefix("Kernel/Components/Beta/Qualified.swift:4:11: error: [ungranted-use] Beta uses controlled API 'power'"))
    }

    @Test func unqualifiedUseInsideAnExtensionIsCaught() throws {
        let findings = try check("seeded-uses").findings(.ungrantedUse).filter { $0.path.hasSuffix("Unqualified.swift") }
        #expect(located(findings) == ["Unqualified.swift:5:9 ungranted-use"])
        #expect(findings.first?.message.contains("unqualified") == true)
    }

    @Test func aliasedAndRenamedUsesAreCaught() throws {
        let findings = try check("seeded-uses").findings(.ungrantedUse).filter { $0.path.hasSuffix("Aliased.swift") }
        #expect(located(findings) == [
            "Aliased.swift:5:19 ungranted-use",   // typealias Ports = PortRange (a controlled type)
            "Aliased.swift:8:12 ungranted-use",   // Switch.off, Switch = Framework.Power
            "Aliased.swift:9:11 ungranted-use",   // Relay.off, Relay = Switch
            "Aliased.swift:11:10 ungranted-use",  // meta.off, meta = Power.self
            "Aliased.swift:12:27 ungranted-use",  // let unapplied = Power.off
            "Aliased.swift:13:9 ungranted-use",   // Ports()
        ])
        #expect(findings[1].message.contains("typealias Switch"))
        #expect(findings[2].message.contains("typealias Relay"))
    }

    @Test func usesThroughAReExportedModuleAreCaught() throws {
        let findings = try check("seeded-uses").findings(.ungrantedUse).filter { $0.path.hasSuffix("ReExported.swift") }
        #expect(located(findings) == ["ReExported.swift:5:16 ungranted-use", "ReExported.swift:6:18 ungranted-use",
                                      "ReExported.swift:7:16 ungranted-use",
                                      "ReExported.swift:12:17 ungranted-use"])  // Alpha.Gauge, a value named like a type
        #expect(findings.map(\.api) == ["pages", "pages", "ports", "power"])
    }

    @Test func staleStartupFileIsCaught() throws {
        let report = try check("seeded-uses")
        #expect(located(report.findings(.staleStartup)) == ["ComponentStartup.generated.swift:1:1 stale-startup"])
        #expect(report.startup?.text.contains("        Beta.begin()") == true)
        #expect(report.findings.count == 17)
    }

    @Test func undeclaredDependenciesAreCaughtOnBothSides() throws {
        let findings = try check("seeded-manifest").findings(.undeclaredDependency)
        #expect(located(findings) == ["Components.toml:9:1 undeclared-dependency", "Components.toml:15:1 undeclared-dependency"])
        #expect(findings[0].message.contains("makes Beta depend on Parsing"))
        #expect(findings[1].message.contains("declares that Apus depends on Parsing"))
    }

    @Test func cyclesAreCaught() throws {
        let findings = try check("seeded-manifest").findings(.dependencyCycle)
        #expect(findings.map(\.message) == ["dependency cycle: Alpha -> Beta -> Alpha"])
        #expect(try check("seeded-manifest").startOrder == [])
    }

    @Test func structuralRulesEachFireOnce() throws {
        let report = try check("seeded-manifest")
        #expect(located(report.findings(.manifest)) == ["Package.swift:14:108 manifest"])
        #expect(located(report.findings(.unlistedComponent)) == ["Gamma:1:1 unlisted-component"])
        #expect(located(report.findings(.unknownControlledName)) == ["Controlled.swift:24:1 unknown-controlled-name"])
        #expect(located(report.findings(.unknownGrantee)) == ["Components.toml:21:1 unknown-grantee"])
        #expect(located(report.findings(.unmarkedControlledName)) == ["Components.toml:33:1 unmarked-controlled-name"])
        #expect(located(report.findings(.startEntry)) == ["Components.toml:9:1 start-entry"])
        #expect(report.findings.count == 9)
    }

    @Test func tcbReportListsComponentsAndGrants() throws {
        let report = try TcbReportBuilder.build(from: Fixture.layout("ComponentPolicy/clean"))
        let section = try #require(report.componentGrants)
        #expect(section.components.map(\.component) == ["Alpha", "Beta", "Apus"])
        #expect(section.components[0].grants == [TcbGrant(api: "pages", uses: 2), TcbGrant(api: "ports", uses: 1),
                                                 TcbGrant(api: "power", uses: 1)])
        #expect(section.ungrantedAPIs == [])
        #expect(report.text().contains("  Alpha            component  pages (2 uses), ports (1 use), power (1 use)"))
        #expect(try TcbReportBuilder.build(from: Fixture.layout("lint-clean")).componentGrants == nil)
    }

    @Test func malformedPolicyIsReported() {
        let (policy, findings) = ComponentPolicy.load(text: """
            [components.Alpha]
            path = "Kernel/Components/Alpha"
            dependencies = "Framework"
            colour = "blue"
            [controlled.power]
            grants = ["Alpha"]
            """)
        #expect(findings.map(\.line) == [4, 1, 3, 5])
        #expect(findings.filter { $0.rule != .policySyntax } == [])
        #expect(policy.components.map(\.name) == ["Alpha"])
        #expect(policy.controlled.map(\.grants) == [["Alpha"]])
    }
}

@Suite("Component policy building blocks")
struct ComponentPolicyBuildingBlockTests {
    @Test func tomlSubset() throws {
        let document = try TOMLDocument(parsing: """
            # comment
            [a.b]   # trailing comment
            name = "x \\"quoted\\" # not a comment"
            list = [
                "one",  # inside
                'two',
            ]
            flag = true
            count = 1_000
            """)
        let table = try #require(document.tables(under: "a").first)
        #expect(table.path == ["a", "b"])
        #expect(table["name"]?.value == .string("x \"quoted\" # not a comment"))
        #expect(table["list"]?.value.stringArray == ["one", "two"])
        #expect(table["flag"]?.value == .boolean(true))
        #expect(table["count"]?.value == .integer(1000))
        #expect(throws: TOMLError(line: 2, message: "key 'k' is defined twice in this table")) {
            try TOMLDocument(parsing: "k = 1\nk = 2")
        }
        #expect(throws: TOMLError(line: 1, message: "inline tables are not supported")) {
            try TOMLDocument(parsing: "k = { a = 1 }")
        }
        #expect(throws: TOMLError(line: 1, message: "dotted keys are not supported; use a [table] header")) {
            try TOMLDocument(parsing: "a.b = 1")
        }
    }

    @Test func argumentLabelsFollowSwiftRules() {
        func declaration(_ parameters: [ControlledParameter]) -> ControlledDeclaration {
            ControlledDeclaration(name: "x", module: "M", path: "p", line: 1, kind: .function, enclosingType: "T",
                                  baseName: "f", parameters: parameters)
        }
        func call(_ labels: [String?], trailing: Int = 0) -> [CallArgument] {
            labels.map { CallArgument(label: $0, isTrailingClosure: false) }
                + Array(repeating: CallArgument(label: nil, isTrailingClosure: true), count: trailing)
        }
        let plain = declaration([ControlledParameter(label: nil, hasDefault: false, isVariadic: false),
                                 ControlledParameter(label: "at", hasDefault: false, isVariadic: false),
                                 ControlledParameter(label: "writable", hasDefault: true, isVariadic: false)])
        #expect(UseFinder.accepts(call([nil, "at"]), plain))
        #expect(UseFinder.accepts(call([nil, "at", "writable"]), plain))
        #expect(!UseFinder.accepts(call([nil, "to"]), plain))
        #expect(!UseFinder.accepts(call(["at"]), plain))
        let withHandler = declaration([ControlledParameter(label: "line", hasDefault: false, isVariadic: false),
                                       ControlledParameter(label: "handler", hasDefault: false, isVariadic: false)])
        #expect(UseFinder.accepts(call(["line"], trailing: 1), withHandler))
        #expect(UseFinder.accepts(call(["line", "handler"]), withHandler))
        let variadic = declaration([ControlledParameter(label: nil, hasDefault: false, isVariadic: true),
                                    ControlledParameter(label: "flag", hasDefault: true, isVariadic: false)])
        #expect(UseFinder.accepts(call([nil, nil, nil]), variadic))
        #expect(UseFinder.accepts(call([]), variadic))
        #expect(UseFinder.accepts(call([nil, "flag"]), variadic))
    }

    @Test func dependencyOrderAndCycles() {
        let edges = ["C": ["A", "B"], "B": ["A"], "A": [], "D": ["A"]]
        #expect(DependencyGraph.order(["C", "B", "A", "D"], edges) == ["A", "B", "C", "D"])
        #expect(DependencyGraph.closure(of: "C", edges) == ["A", "B"])
        let cyclic = ["A": ["B"], "B": ["C"], "C": ["A"], "D": ["D"]]
        #expect(DependencyGraph.cycles(cyclic) == [["A", "B", "C", "A"], ["D", "D"]])
        #expect(DependencyGraph.order(["A", "B", "C"], cyclic) == nil)
    }

    @Test func manifestHelpersAreEvaluated() {
        let manifest = KernelManifest(source: """
            func component(_ name: String, dependencies: [Target.Dependency] = []) -> Target {
                .target(name: name, dependencies: dependencies, path: "Components/\\(name)", swiftSettings: [])
            }
            let package = Package(name: "P", targets: [
                component("A"),
                component("B", dependencies: ["A", .target(name: "C", condition: .when(traits: ["T"]))]),
                .executableTarget(name: "E", dependencies: ["B"], path: "Entry"),
            ])
            """)
        #expect(manifest.findings == [])
        #expect(manifest.targets.map(\.name) == ["A", "B", "E"])
        #expect(manifest.targets.map(\.path) == ["Kernel/Components/A", "Kernel/Components/B", "Kernel/Entry"])
        #expect(manifest.targets.map(\.dependencies) == [[], ["A", "C"], ["B"]])
    }
}
