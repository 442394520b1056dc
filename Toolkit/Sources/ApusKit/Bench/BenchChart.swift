// bench/chart.svg, written by hand (no dependencies): one horizontal bar per benchmark from the
// 1.0 line to its Apus/Linux ratio on a logarithmic axis, the deterministic (icount) ratio when
// there is one, else the wall-clock median; with both modes the wall-clock ratio is a dot. Each
// row marks its target (≤ 0.8 for latencies, ≥ 1.25 for bandwidths) with a dashed tick. Bars are
// green when the target is met, amber when Apus is ahead of Linux but short of the target, red
// when behind. Benchmarks without a ratio say why (not supported on Apus yet, failed).

import Foundation

public enum BenchChart {
    static let width = 960.0
    static let labelWidth = 170.0
    static let plotLeft = 180.0
    static let plotRight = 780.0
    static let rowHeight = 22.0
    static let top = 70.0

    public static func render(_ report: BenchReport) -> String {
        let icount = report.entries(mode: .icount)
        let wall = report.entries(mode: .wall)
        let primary = icount.isEmpty ? wall : icount
        let wallRatio = Dictionary(wall.compactMap { entry in entry.ratio.map { (entry.name, $0) } }, uniquingKeysWith: { first, _ in first })
        let ratios = primary.compactMap(\.ratio) + (icount.isEmpty ? [] : Array(wallRatio.values))
        let axis = LogAxis(ratios: ratios, left: plotLeft, right: plotRight)
        let height = top + rowHeight * Double(primary.count) + 70
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            text(x: 10, y: 22, "Apus / Linux, \(icount.isEmpty ? "wall clock (median)" : "-icount (deterministic)"), log scale", size: 15, weight: "bold"),
            text(x: 10, y: 40, "\(report.date) · \(report.qemuVersion) · Linux \(report.linuxKernel) · Apus \(report.apusRevision)", size: 11, color: "#555"),
            text(x: 10, y: 56, "left of 1.0: Apus faster for latencies; right of 1.0: Apus faster for bandwidths", size: 11, color: "#555"),
        ]
        let bottom = top + rowHeight * Double(primary.count)
        for tick in axis.ticks {
            let x = axis.x(tick)
            let isOne = tick == 1
            svg.append(line(x1: x, y1: top - 4, x2: x, y2: bottom, color: isOne ? "#000" : "#ddd", width: isOne ? 1.5 : 1))
            svg.append(text(x: x, y: bottom + 16, String(format: "%g", tick), anchor: "middle", size: 11))
        }
        for (index, entry) in primary.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += row(entry, y: y, axis: axis, wallRatio: icount.isEmpty ? nil : wallRatio[entry.name])
        }
        svg += legend(y: bottom + 36, showsWall: !icount.isEmpty && !wall.isEmpty)
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func row(_ entry: BenchEntry, y: Double, axis: LogAxis, wallRatio: Double?) -> [String] {
        var parts = [text(x: labelWidth, y: y + 15, entry.name, anchor: "end")]
        let targetX = axis.x(entry.target)
        parts.append(line(x1: targetX, y1: y + 2, x2: targetX, y2: y + rowHeight - 2, color: "#333", width: 1.5, dashed: true))
        guard let ratio = entry.ratio else {
            let why = entry.apusResult.isMeasured ? "no Linux value (\(entry.linuxResult.summary))" : entry.apusResult.summary
            parts.append(text(x: axis.x(1.5) + 6, y: y + 15, why, size: 11, color: "#888", italic: true))
            if let wallRatio {
                parts.append("<circle cx=\"\(f(axis.x(wallRatio)))\" cy=\"\(f(y + rowHeight / 2))\" r=\"3.5\" fill=\"white\" stroke=\"#000\"/>")
                parts.append(text(x: plotRight + 10, y: y + 15, "wall clock: \(BenchFormat.number(wallRatio))×", size: 11))
            }
            return parts
        }
        let one = axis.x(1), end = axis.x(ratio)
        let color = entry.meetsTarget == true ? "#2e7d32" : (entry.better == .lower ? ratio < 1 : ratio > 1) ? "#f9a825" : "#c62828"
        parts.append("<rect x=\"\(f(min(one, end)))\" y=\"\(f(y + 4))\" width=\"\(f(max(abs(end - one), 1)))\" height=\"\(f(rowHeight - 8))\" fill=\"\(color)\"/>")
        if let wallRatio {
            parts.append("<circle cx=\"\(f(axis.x(wallRatio)))\" cy=\"\(f(y + rowHeight / 2))\" r=\"3.5\" fill=\"white\" stroke=\"#000\"/>")
        }
        parts.append(text(x: plotRight + 10, y: y + 15, "\(BenchFormat.number(ratio))×  (\(entry.unit), \(entry.better.rawValue) is better)", size: 11))
        return parts
    }

    static func legend(y: Double, showsWall: Bool) -> [String] {
        var parts: [String] = []
        var x = plotLeft
        for (color, label) in [("#2e7d32", "target met"), ("#f9a825", "ahead of Linux"), ("#c62828", "behind Linux")] {
            parts.append("<rect x=\"\(f(x))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\" fill=\"\(color)\"/>")
            parts.append(text(x: x + 16, y: y, label, size: 11))
            x += 120
        }
        parts.append(line(x1: x, y1: y - 11, x2: x, y2: y + 2, color: "#333", width: 1.5, dashed: true))
        parts.append(text(x: x + 6, y: y, "target (≤ 0.8 latency, ≥ 1.25 bandwidth)", size: 11))
        if showsWall {
            parts.append("<circle cx=\"\(f(x + 270))\" cy=\"\(f(y - 4))\" r=\"3.5\" fill=\"white\" stroke=\"#000\"/>")
            parts.append(text(x: x + 278, y: y, "wall-clock median", size: 11))
        }
        return parts
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String, width: Double, dashed: Bool = false) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(color)\" stroke-width=\"\(width)\"\(dashed ? " stroke-dasharray=\"3,2\"" : "")/>"
    }

    static func text(x: Double, y: Double, _ content: String, anchor: String = "start", size: Double = 12,
                     weight: String = "normal", color: String = "#000", italic: Bool = false) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Int(size))\" font-weight=\"\(weight)\" fill=\"\(color)\"\(italic ? " font-style=\"italic\"" : "")>\(escaped(content))</text>"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// A logarithmic axis covering whole decades around the ratios (at least 0.1 to 10).
struct LogAxis {
    let lowExponent: Int
    let highExponent: Int
    let left: Double
    let right: Double

    init(ratios: [Double], left: Double, right: Double) {
        let positive = ratios.filter { $0 > 0 && $0.isFinite }
        lowExponent = min(-1, Int((log10(positive.min() ?? 1)).rounded(.down)))
        highExponent = max(1, Int((log10(positive.max() ?? 1)).rounded(.up)))
        self.left = left
        self.right = right
    }

    func x(_ ratio: Double) -> Double {
        let span = Double(highExponent - lowExponent)
        let clamped = min(max(log10(max(ratio, 1e-12)), Double(lowExponent)), Double(highExponent))
        return left + (clamped - Double(lowExponent)) / span * (right - left)
    }

    /// 1, 2 and 5 of every decade.
    var ticks: [Double] {
        (lowExponent...highExponent).flatMap { exponent -> [Double] in
            let base = pow(10, Double(exponent))
            return exponent == highExponent ? [base] : [base, 2 * base, 5 * base]
        }
    }
}
