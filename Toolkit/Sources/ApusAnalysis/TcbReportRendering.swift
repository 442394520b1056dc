// Renders a `TcbReport` for people (aligned text) and for tools (JSON with sorted keys, so two runs
// on the same tree print the same bytes).
import Foundation

extension TcbReport {
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        var out: [String] = []
        out.append("Trusted computing base (privileged modules: Framework, FrameworkAsm)")
        out.append("")
        out.append("(a) Lines of code: \(lineCountDefinition).")
        out.append(row("", "privileged", "all kernel"))
        let languages: [(String, KeyPath<LanguageLineCounts, Int>)] = [
            ("Swift", \.swift), ("C headers", \.cHeaders), ("C sources", \.cSources), ("Assembly", \.assembly), ("Total", \.total),
        ]
        for (name, keyPath) in languages {
            out.append(row(name, String(frameworkLines[keyPath: keyPath]), String(kernelLines[keyPath: keyPath])))
        }
        out.append("  Framework share of the kernel: \(String(format: "%.1f", frameworkSharePercent))%")
        out.append("  Per module (Swift / C headers / C sources / assembly):")
        for module in moduleLines {
            let lines = module.lines
            out.append("    \(pad(module.module, 24)) \(pad(module.kind.rawValue, 11)) "
                       + "\(lines.swift) / \(lines.cHeaders) / \(lines.cSources) / \(lines.assembly)")
        }

        out.append("")
        out.append("(b) Unsafe sites in privileged modules: \(unsafeSiteCount) in \(unsafeSitesByFile.count) files")
        for file in unsafeSitesByFile {
            let kinds = file.countsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            out.append("  \(file.path): \(file.sites.count) (\(kinds))")
        }

        out.append("")
        out.append("(c) Unsafe sites without a SAFETY justification: \(unjustifiedSites.count)")
        out.append("    (justified: a comment containing 'SAFETY:' on the site's line, in the comment block right above")
        out.append("    it or above/within its enclosing statement, declaration or C function, or at most")
        out.append("    \(SourceLineTable.paragraphWindowLines) lines above it with no blank line in between)")
        for site in unjustifiedSites {
            out.append("  \(site.path):\(site.line):\(site.column): [\(site.kind)] \(site.spelling)")
        }

        out.append("")
        out.append("(d) Public privileged API exposing unsafe or C types: \(unsafePublicAPI.count)")
        for api in unsafePublicAPI {
            out.append("  \(api.path):\(api.line):\(api.column): public \(api.declaration) exposes \(api.exposedTypes.joined(separator: ", "))")
        }

        out.append("")
        out.append("(e) Assembly files: \(assemblyFiles.count)")
        for file in assemblyFiles {
            out.append("  \(file.path): \(file.lines) lines (\(file.codeLines) code)")
        }

        if let componentGrants {
            out.append("")
            out += componentGrants.lines()
        }

        out.append("")
        let failures = gateFailures
        out.append(failures.isEmpty ? "tcb gate: pass" : "tcb gate: FAIL: " + failures.joined(separator: "; "))
        return out.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func row(_ label: String, _ privileged: String, _ all: String) -> String {
        let left = String(repeating: " ", count: max(0, 12 - privileged.count)) + privileged
        let right = String(repeating: " ", count: max(0, 12 - all.count)) + all
        return "  \(pad(label, 12))\(left)\(right)"
    }
}
