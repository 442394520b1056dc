// The source-level rules of the component checker: markers against the policy, uses against the
// grants, start entry points against the declarations (see ComponentPolicyChecker for the list).
extension ComponentPolicyChecker {
    static func checkMarkers(policy: ComponentPolicy, declarations: [ControlledDeclaration],
                             symbols: [ModuleSymbols]) -> [ComponentPolicyFinding] {
        var findings: [ComponentPolicyFinding] = []
        for declaration in declarations where policy.controlledAPI(named: declaration.name) == nil {
            findings.append(ComponentPolicyFinding(.unknownControlledName, path: declaration.path, line: declaration.line, api: declaration.name,
                                                   "\(declaration.signature) is marked '- Controlled: \(declaration.name)', which \(ComponentPolicy.fileName) does not list"))
        }
        for marker in symbols.flatMap(\.unsupportedMarkers) {
            findings.append(ComponentPolicyFinding(.unknownControlledName, path: marker.path, line: marker.line, api: marker.name,
                                                   "'- Controlled: \(marker.name)' is on a declaration the checker cannot govern (mark the function, initializer, property or type)"))
        }
        let listed = Set(policy.components.map(\.name))
        for api in policy.controlled {
            if !declarations.contains(where: { $0.name == api.name }) {
                findings.append(ComponentPolicyFinding(.unmarkedControlledName, path: ComponentPolicy.fileName, line: api.line, api: api.name,
                                                       "controlled API '\(api.name)' is not marked on any declaration ('/// - Controlled: \(api.name)')"))
            }
            for grantee in api.grants where !listed.contains(grantee) {
                findings.append(ComponentPolicyFinding(.unknownGrantee, path: ComponentPolicy.fileName, line: api.line, api: api.name,
                                                       "'\(api.name)' is granted to \(grantee), which is not a listed module"))
            }
        }
        return findings
    }

    static func findUses(sources: [String: ModuleSources], symbols: [String: ModuleSymbols],
                         declarations: [ControlledDeclaration], edges: [String: [String]],
                         manifest: KernelManifest, policy: ComponentPolicy) -> [ControlledUse] {
        // Reachability uses the union of both graphs, so a dependency declared on one side only
        // cannot hide a use.
        var combined = edges
        for target in manifest.targets { combined[target.name, default: []] += target.dependencies }
        let moduleNames = Set(manifest.targets.map(\.name)).union(policy.components.map(\.name))
        let allTypes = symbols.values.reduce(into: Set<String>()) { $0.formUnion($1.typeNames) }
        let allAliases = symbols.values.reduce(into: [String: [[String]]]()) { $0.merge($1.aliases) { $0 + $1 } }
        let allInheritance = symbols.values.reduce(into: [String: Set<String>]()) { $0.merge($1.inheritance) { $0.union($1) } }
        // A value of any module may share a type's name (`public let Clock = Power.self`), so a base
        // with such a name is never trusted to be the type.
        let allValueNames = symbols.values.reduce(into: Set<String>()) { $0.formUnion($1.valueNames) }

        var uses: [ControlledUse] = []
        for module in sources.keys.sorted() {
            let reachable = DependencyGraph.closure(of: module, combined)
            let visible = declarations.filter { $0.module != module && reachable.contains($0.module) }
            guard !visible.isEmpty, let own = symbols[module] else { continue }
            let resolver = TypeResolver(moduleNames: moduleNames, typeNames: allTypes, aliases: allAliases,
                                        inheritance: allInheritance, valueNames: allValueNames)
            for file in sources[module]!.files {
                let finder = UseFinder(file: file, resolver: resolver, visible: visible, ownGlobalFunctions: own.globalFunctionNames)
                finder.walk(file.tree)
                var seen: Set<String> = []
                for found in finder.uses {
                    let key = "\(found.line):\(found.column):\(found.declaration.name):\(found.declaration.signature)"
                    guard seen.insert(key).inserted else { continue }
                    let granted = policy.controlledAPI(named: found.declaration.name)?.grants.contains(module) ?? false
                    uses.append(ControlledUse(api: found.declaration.name, module: module, path: file.path, line: found.line,
                                              column: found.column, signature: found.declaration.signature,
                                              form: found.form, isGranted: granted))
                }
            }
        }
        return uses.sorted { ($0.path, $0.line, $0.column) < ($1.path, $1.line, $1.column) }
    }

    static func checkStartEntries(policy: ComponentPolicy, manifest: KernelManifest,
                                  symbols: [String: ModuleSymbols]) -> [ComponentPolicyFinding] {
        var findings: [ComponentPolicyFinding] = []
        let entry = policy.components.first { $0.kind == .entry }
        for component in policy.components where !component.start.isEmpty {
            if component.kind != .component {
                findings.append(ComponentPolicyFinding(.startEntry, path: ComponentPolicy.fileName, line: component.line, module: component.name,
                                                       "only components (kind \"component\") have start entry points"))
                continue
            }
            for start in component.start where !(symbols[component.name]?.staticEntryPoints.contains(start) ?? false) {
                findings.append(ComponentPolicyFinding(.startEntry, path: ComponentPolicy.fileName, line: component.line, module: component.name,
                                                       "start entry point \(start) is not a parameterless static function declared in \(component.name)"))
            }
            guard let entry else {
                findings.append(ComponentPolicyFinding(.startEntry, path: ComponentPolicy.fileName, line: component.line, module: component.name,
                                                       "no module of kind \"entry\" to call \(component.name)'s start entry points"))
                continue
            }
            if !(manifest.target(named: entry.name)?.dependencies.contains(component.name) ?? false) {
                findings.append(ComponentPolicyFinding(.startEntry, path: ComponentPolicy.fileName, line: component.line, module: component.name,
                                                       "\(entry.name) must depend directly on \(component.name) to call its start entry points"))
            }
        }
        return findings
    }
}
