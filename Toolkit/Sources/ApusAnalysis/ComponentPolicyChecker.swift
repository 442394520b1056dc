// `apus components`: checks Components.toml against the kernel sources and Kernel/Package.swift.
//   - every module other than Framework and the pure libraries is listed, with the same path and
//     exactly the dependencies the manifest gives it; every Kernel/Components/* directory is listed;
//   - the dependency graph (policy for listed modules, manifest for the rest) has no cycle;
//   - every `- Controlled:` marker names an API in the policy, every API in the policy is marked
//     somewhere, every grant names a listed module;
//   - every use of a controlled API outside its declaring module is granted to the using module
//     (uses are found by `UseFinder` in every module that depends, directly or not, on the
//     declaring one);
//   - start entry points exist and the generated start-up file matches the policy.
// The declaring module may use its own controlled API: the policy governs the other modules.
//
// Limits (there is no type checker on the host, only syntax):
//   - A call on a value whose type is not written down is matched by member name and argument
//     labels, so an unrelated method with the same full name (say `unmap(from:to:)`) in a module
//     that depends on the declaring one is reported too; rename it rather than grant it.
//   - Calls are not followed: a granted module (or the declaring one) may wrap a controlled API
//     in a public function of its own and so pass the capability on. Mark such a wrapper
//     `- Controlled:` too if it should be governed.
//   - Code produced by macro expansion is not seen (the manifest reader rejects macro targets,
//     so only macros from outside the kernel could produce any).
//   - A stored property is governed when it is marked, but the checker cannot tell reads from
//     writes: every access counts as a use. Prefer `private(set)` plus a marked setter function.
import Foundation

public enum ComponentPolicyChecker {
    public static func check(repositoryRoot root: URL) throws -> ComponentPolicyReport {
        let policyText = try? String(contentsOf: root.appendingPathComponent(ComponentPolicy.fileName), encoding: .utf8)
        var (policy, findings) = ComponentPolicy.load(text: policyText ?? "")
        if policyText == nil {
            findings.append(ComponentPolicyFinding(.policySyntax, path: ComponentPolicy.fileName, line: 1, "missing: no \(ComponentPolicy.fileName) at the repository root"))
        }
        let manifest = KernelManifest(source: try String(contentsOf: root.appendingPathComponent(KernelManifest.relativePath), encoding: .utf8))
        findings += manifest.findings
        findings += checkListing(policy: policy, manifest: manifest, root: root)

        // Dependencies: the policy's for listed modules, the manifest's for the others.
        var edges = Dictionary(manifest.targets.map { ($0.name, $0.dependencies) }, uniquingKeysWith: { first, _ in first })
        for component in policy.components { edges[component.name] = component.dependencies }
        for cycle in DependencyGraph.cycles(edges) {
            let line = policy.component(named: cycle[0])?.line ?? 1
            findings.append(ComponentPolicyFinding(.dependencyCycle, path: ComponentPolicy.fileName, line: line, module: cycle[0],
                                                   "dependency cycle: \(cycle.joined(separator: " -> "))"))
        }

        // Declarations and uses.
        let sources = try parseModules(manifest: manifest, root: root)
        let symbols = sources.mapValues { files in collectSymbols(files.files, module: files.module) }
        let declarations = symbols.values.flatMap(\.controlled).sorted { ($0.path, $0.line) < ($1.path, $1.line) }
        findings += checkMarkers(policy: policy, declarations: declarations, symbols: Array(symbols.values))
        let uses = findUses(sources: sources, symbols: symbols, declarations: declarations, edges: edges, manifest: manifest, policy: policy)
        for use in uses where !use.isGranted {
            let holders = policy.controlledAPI(named: use.api)?.grants ?? []
            findings.append(ComponentPolicyFinding(
                .ungrantedUse, path: use.path, line: use.line, column: use.column, module: use.module, api: use.api,
                "\(use.module) uses controlled API '\(use.api)' (\(use.signature), \(use.form)) without a grant; "
                    + "granted to: \(holders.isEmpty ? "nobody" : holders.joined(separator: ", "))"))
        }

        // Start-up.
        findings += checkStartEntries(policy: policy, manifest: manifest, symbols: symbols)
        let order = ComponentStartup.order(of: policy)
        var startup: GeneratedStartupFile?
        if let order, let path = ComponentStartup.path(for: policy) {
            let text = ComponentStartup.render(order)
            let onDisk = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            startup = GeneratedStartupFile(path: path, text: text, isCurrent: onDisk == text)
            if onDisk != text {
                findings.append(ComponentPolicyFinding(.staleStartup, path: path, line: 1,
                                                       onDisk == nil ? "missing; run `apus components --write`"
                                                                     : "does not match Components.toml; run `apus components --write`"))
            }
        }
        return ComponentPolicyReport(policy: policy, declarations: declarations, uses: uses, startOrder: order?.map(\.name) ?? [],
                                     startup: startup, findings: findings, checks: checks(findings, policy: policy))
    }

    /// Writes the generated start-up file when it is stale; returns whether it wrote.
    @discardableResult
    public static func writeStartup(_ report: ComponentPolicyReport, repositoryRoot root: URL) throws -> Bool {
        guard let startup = report.startup, !startup.isCurrent else { return false }
        try startup.text.write(to: root.appendingPathComponent(startup.path), atomically: true, encoding: .utf8)
        return true
    }

    static func checks(_ findings: [ComponentPolicyFinding], policy: ComponentPolicy) -> [ComponentPolicyCheck] {
        func count(_ rules: Set<ComponentPolicyRule>, module: String? = nil) -> Int {
            findings.filter { rules.contains($0.rule) && (module == nil || $0.module == module) }.count
        }
        var result = [
            ComponentPolicyCheck(name: "\(ComponentPolicy.fileName) is well-formed", failures: count([.policySyntax])),
            ComponentPolicyCheck(name: "\(KernelManifest.relativePath) is readable and renames no module", failures: count([.manifest])),
            ComponentPolicyCheck(name: "every kernel module is listed, with its path", failures: count([.unlistedComponent, .unknownComponent])),
            ComponentPolicyCheck(name: "no dependency cycles", failures: count([.dependencyCycle])),
            ComponentPolicyCheck(name: "controlled-API markers, policy names and grantees agree",
                                 failures: count([.unknownControlledName, .unmarkedControlledName, .unknownGrantee])),
        ]
        let users = Set(findings.filter { $0.rule == .ungrantedUse }.compactMap(\.module))
        let names = policy.components.map(\.name) + users.sorted().filter { policy.component(named: $0) == nil }
        for name in names {
            if policy.component(named: name) != nil {
                result.append(ComponentPolicyCheck(name: "\(name): dependencies agree with the manifest", failures: count([.undeclaredDependency], module: name)))
            }
            result.append(ComponentPolicyCheck(name: "\(name): uses only granted controlled APIs", failures: count([.ungrantedUse], module: name)))
        }
        result.append(ComponentPolicyCheck(name: "start entry points exist and are reachable", failures: count([.startEntry])))
        result.append(ComponentPolicyCheck(name: "generated start-up file is current", failures: count([.staleStartup])))
        return result
    }

    // MARK: - Listing and dependencies

    static func checkListing(policy: ComponentPolicy, manifest: KernelManifest, root: URL) -> [ComponentPolicyFinding] {
        var findings: [ComponentPolicyFinding] = []
        let file = ComponentPolicy.fileName
        let exempt: Set = [KernelLayout.frameworkModuleName, KernelLayout.frameworkAsmModuleName]
        for target in manifest.targets where !exempt.contains(target.name) && !target.path.hasPrefix("Kernel/Libraries/")
            && policy.component(named: target.name) == nil {
            findings.append(ComponentPolicyFinding(.unlistedComponent, path: KernelManifest.relativePath, line: target.line, module: target.name,
                                                   "module \(target.name) (\(target.path)) is not listed in \(file)"))
        }
        let componentDirectory = root.appendingPathComponent("Kernel/Components")
        let directories = ((try? FileManager.default.contentsOfDirectory(atPath: componentDirectory.path)) ?? [])
            .filter { !$0.hasPrefix(".") && KernelLayout.isDirectory(componentDirectory.appendingPathComponent($0)) }.sorted()
        for directory in directories where !policy.components.contains(where: { $0.path == "Kernel/Components/\(directory)" }) {
            findings.append(ComponentPolicyFinding(.unlistedComponent, path: "Kernel/Components/\(directory)", line: 1, module: directory,
                                                   "component directory Kernel/Components/\(directory) is not listed in \(file)"))
        }
        for component in policy.components {
            guard let target = manifest.target(named: component.name) else {
                findings.append(ComponentPolicyFinding(.unknownComponent, path: file, line: component.line, module: component.name,
                                                       "\(component.name) is not a target in \(KernelManifest.relativePath)"))
                continue
            }
            if target.path != component.path {
                findings.append(ComponentPolicyFinding(.unknownComponent, path: file, line: component.line, module: component.name,
                                                       "\(component.name) has path \(component.path) here but \(target.path) in the manifest"))
            }
            for missing in target.dependencies where !component.dependencies.contains(missing) {
                findings.append(ComponentPolicyFinding(.undeclaredDependency, path: file, line: component.line, module: component.name,
                                                       "\(KernelManifest.relativePath) makes \(component.name) depend on \(missing), which \(file) does not declare"))
            }
            for extra in component.dependencies where !target.dependencies.contains(extra) {
                findings.append(ComponentPolicyFinding(.undeclaredDependency, path: file, line: component.line, module: component.name,
                                                       "\(file) declares that \(component.name) depends on \(extra), which \(KernelManifest.relativePath) does not"))
            }
        }
        return findings
    }

    // MARK: - Sources

    struct ModuleSources {
        let module: String
        let files: [SwiftSourceFile]
    }

    static func parseModules(manifest: KernelManifest, root: URL) throws -> [String: ModuleSources] {
        var result: [String: ModuleSources] = [:]
        for target in manifest.targets {
            let files = try swiftFiles(under: target.path, root: root).map { path in
                SwiftSourceFile(path: path, source: try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8))
            }
            result[target.name] = ModuleSources(module: target.name, files: files)
        }
        return result
    }

    static func swiftFiles(under directory: String, root: URL) throws -> [String] {
        let base = root.appendingPathComponent(directory)
        guard KernelLayout.isDirectory(base) else { return [] }
        var result: [String] = []
        var pending = [directory]
        while let next = pending.popLast() {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(next).path) where !name.hasPrefix(".") {
                let relative = "\(next)/\(name)"
                if KernelLayout.isDirectory(root.appendingPathComponent(relative)) { pending.append(relative) }
                else if name.hasSuffix(".swift") { result.append(relative) }
            }
        }
        return result.sorted()
    }

    static func collectSymbols(_ files: [SwiftSourceFile], module: String) -> ModuleSymbols {
        var merged = ModuleSymbols()
        for file in files {
            let collector = SymbolCollector(file: file, module: module)
            collector.walk(file.tree)
            let symbols = collector.symbols
            merged.controlled += symbols.controlled
            merged.typeNames.formUnion(symbols.typeNames)
            merged.aliases.merge(symbols.aliases) { $0 + $1 }
            merged.inheritance.merge(symbols.inheritance) { $0.union($1) }
            merged.valueNames.formUnion(symbols.valueNames)
            merged.globalFunctionNames.formUnion(symbols.globalFunctionNames)
            merged.staticEntryPoints.formUnion(symbols.staticEntryPoints)
            merged.unsupportedMarkers += symbols.unsupportedMarkers
        }
        return merged
    }
}
