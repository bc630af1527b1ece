import Foundation

/// Small SVG charts written as text: line charts, grouped bars, heatmaps and spread plots.
///
/// Every chart is one `<svg class="chart">` element with a `<title>`, sized in CSS pixels, with all text escaped.
enum SVGChart {
    /// Ten distinguishable colours (Tableau 10); run `i` gets `palette[i % 10]`.
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                          "#9c755f", "#bab0ac"]

    struct Series {
        var name: String
        var colour: String
        var points: [(x: Double, y: Double)]
    }

    static let width = 560.0, height = 300.0
    static let left = 56.0, right = 16.0, top = 36.0, bottom = 40.0

    /// Rounded tick values covering `low...high`.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        // Whole multiples of `step`, computed from their index so no rounding error accumulates (epoch 2 stays 2).
        let first = Int((low / step).rounded(.up)), last = Int((high / step + 1e-9).rounded(.down))
        guard first <= last else { return [low] }
        return (first ... last).map { (Double($0) * step * 1e9).rounded() / 1e9 }
    }

    static func open(_ title: String, height: Double = height, width: Double = width) -> String {
        "<svg class=\"chart\" width=\"\(HTMLText.number(width))\" "
            + "height=\"\(HTMLText.number(height))\" viewBox=\"0 0 \(HTMLText.number(width)) "
            + "\(HTMLText.number(height))\" role=\"img\"><title>\(HTMLText.escape(title))</title>"
            + "<text x=\"\(HTMLText.number(width / 2))\" y=\"20\" text-anchor=\"middle\" class=\"heading\">"
            + "\(HTMLText.escape(title))</text>"
    }

    /// A line chart of `series` over a shared x axis (epochs), with axes, ticks and a legend.
    static func lines(title: String, xLabel: String, series: [Series]) -> String {
        let all = series.flatMap(\.points)
        var svg = open(title)
        guard !all.isEmpty else {
            return svg + "<text x=\"\(HTMLText.number(width / 2))\" y=\"150\" text-anchor=\"middle\">no data</text></svg>"
        }
        let xMin = all.map(\.x).min() ?? 0, xMax = max(all.map(\.x).max() ?? 1, xMin + 1)
        var yMin = all.map(\.y).min() ?? 0, yMax = all.map(\.y).max() ?? 1
        if yMax - yMin < 1e-9 { yMin -= 0.5; yMax += 0.5 }
        let pad = (yMax - yMin) * 0.05
        yMin -= pad; yMax += pad
        let plotWidth = width - left - right - 120, plotHeight = height - top - bottom
        func px(_ x: Double) -> String { HTMLText.number(left + (x - xMin) / (xMax - xMin) * plotWidth) }
        func py(_ y: Double) -> String { HTMLText.number(top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight) }
        svg += axes(xTicks: ticks(xMin, xMax).filter { $0 == $0.rounded() }, yTicks: ticks(yMin, yMax),
                    px: px, py: py, plotWidth: plotWidth, xLabel: xLabel)
        for (index, line) in series.enumerated() where !line.points.isEmpty {
            let points = line.points.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
            svg += "<polyline class=\"series\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"2\" "
                + "points=\"\(points)\"><title>\(HTMLText.escape(line.name))</title></polyline>"
            let y = top + 14 * Double(index)
            svg += "<rect x=\"\(HTMLText.number(width - 128))\" y=\"\(HTMLText.number(y))\" width=\"10\" height=\"10\" "
                + "fill=\"\(line.colour)\"/><text x=\"\(HTMLText.number(width - 114))\" y=\"\(HTMLText.number(y + 9))\" "
                + "class=\"legend\">\(HTMLText.escape(String(line.name.suffix(18))))</text>"
        }
        return svg + "</svg>"
    }

    static func axes(xTicks: [Double], yTicks: [Double], px: (Double) -> String, py: (Double) -> String,
                     plotWidth: Double, xLabel: String) -> String {
        let baseline = HTMLText.number(height - bottom)
        var svg = "<g class=\"axes\"><line x1=\"\(HTMLText.number(left))\" y1=\"\(baseline)\" "
            + "x2=\"\(HTMLText.number(left + plotWidth))\" y2=\"\(baseline)\" stroke=\"#333\"/>"
            + "<line x1=\"\(HTMLText.number(left))\" y1=\"\(HTMLText.number(top))\" x2=\"\(HTMLText.number(left))\" "
            + "y2=\"\(baseline)\" stroke=\"#333\"/>"
        for tick in xTicks {
            svg += "<text x=\"\(px(tick))\" y=\"\(HTMLText.number(height - bottom + 16))\" text-anchor=\"middle\">"
                + "\(CompareValue.number(tick).description)</text>"
        }
        for tick in yTicks {
            svg += "<line x1=\"\(HTMLText.number(left))\" y1=\"\(py(tick))\" x2=\"\(HTMLText.number(left + plotWidth))\" "
                + "y2=\"\(py(tick))\" stroke=\"#eee\"/><text x=\"\(HTMLText.number(left - 6))\" y=\"\(py(tick))\" "
                + "text-anchor=\"end\" dominant-baseline=\"middle\">\(HTMLText.escape(String(format: "%g", tick)))</text>"
        }
        svg += "<text x=\"\(HTMLText.number(left + plotWidth / 2))\" y=\"\(HTMLText.number(height - 6))\" "
            + "text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text></g>"
        return svg
    }

    /// Grouped bars: one group per category, one bar per series, values in [0, 1].
    static func bars(title: String, categories: [String], series: [(name: String, colour: String, values: [Double])])
        -> String {
        var svg = open(title)
        let plotWidth = width - left - right - 120, plotHeight = height - top - bottom
        func py(_ y: Double) -> String { HTMLText.number(top + (1 - y) * plotHeight) }
        svg += axes(xTicks: [], yTicks: [0, 0.25, 0.5, 0.75, 1], px: { _ in "0" }, py: py, plotWidth: plotWidth,
                    xLabel: "class")
        let groupWidth = plotWidth / Double(max(1, categories.count))
        let barWidth = groupWidth * 0.8 / Double(max(1, series.count))
        for (c, category) in categories.enumerated() {
            let x0 = left + groupWidth * Double(c) + groupWidth * 0.1
            svg += "<text x=\"\(HTMLText.number(x0 + groupWidth * 0.4))\" y=\"\(HTMLText.number(height - bottom + 16))\" "
                + "text-anchor=\"middle\">\(HTMLText.escape(category))</text>"
            for (s, entry) in series.enumerated() where c < entry.values.count {
                let label = "\(entry.name) \(category): " + String(format: "%.3f", entry.values[c])
                let value = min(1, max(0, entry.values[c]))
                svg += "<rect class=\"bar\" x=\"\(HTMLText.number(x0 + barWidth * Double(s)))\" y=\"\(py(value))\" "
                    + "width=\"\(HTMLText.number(barWidth))\" height=\"\(HTMLText.number(value * plotHeight))\" "
                    + "fill=\"\(entry.colour)\"><title>\(HTMLText.escape(label))</title></rect>"
            }
        }
        for (s, entry) in series.enumerated() {
            let y = top + 14 * Double(s)
            svg += "<rect x=\"\(HTMLText.number(width - 128))\" y=\"\(HTMLText.number(y))\" width=\"10\" height=\"10\" "
                + "fill=\"\(entry.colour)\"/><text x=\"\(HTMLText.number(width - 114))\" y=\"\(HTMLText.number(y + 9))\" "
                + "class=\"legend\">\(HTMLText.escape(String(entry.name.suffix(18))))</text>"
        }
        return svg + "</svg>"
    }

    /// A confusion matrix (rows = truth) shaded by each row's share, with the counts written in the cells.
    static func heatmap(title: String, classes: [String], matrix: [[Int]]) -> String {
        let cell = 36.0, labelWidth = 84.0
        let size = labelWidth + cell * Double(classes.count) + 16
        var svg = open(title, height: size + 40, width: max(size, 260))
        for (i, row) in matrix.enumerated() {
            let total = max(1, row.reduce(0, +))
            let y = 40 + labelWidth / 2 + cell * Double(i)
            svg += "<text x=\"\(HTMLText.number(labelWidth - 4))\" y=\"\(HTMLText.number(y + cell / 2))\" "
                + "text-anchor=\"end\" dominant-baseline=\"middle\">\(HTMLText.escape(classes[i]))</text>"
            for (j, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let x = labelWidth + cell * Double(j)
                svg += "<rect class=\"cell\" x=\"\(HTMLText.number(x))\" y=\"\(HTMLText.number(y))\" width=\"\(cell)\" "
                    + "height=\"\(cell)\" fill=\"rgb(\(Int(255 - 200 * share)),\(Int(255 - 130 * share)),255)\" "
                    + "stroke=\"#fff\"><title>\(HTMLText.escape("\(classes[i]) → \(classes[j]): \(count)"))</title></rect>"
                    + "<text x=\"\(HTMLText.number(x + cell / 2))\" y=\"\(HTMLText.number(y + cell / 2))\" "
                    + "text-anchor=\"middle\" dominant-baseline=\"middle\">\(count)</text>"
            }
        }
        for (j, name) in classes.enumerated() {
            let x = labelWidth + cell * Double(j) + cell / 2
            svg += "<text x=\"\(HTMLText.number(x))\" y=\"\(HTMLText.number(40 + labelWidth / 2 - 6))\" "
                + "text-anchor=\"middle\">\(HTMLText.escape(String(name.prefix(5))))</text>"
        }
        return svg + "</svg>"
    }

    /// Each group's values as dots with the mean ± sample std drawn as a bar with whiskers.
    static func spread(title: String, groups: [(name: String, values: [Double])]) -> String {
        var svg = open(title)
        let values = groups.flatMap(\.values)
        guard let low = values.min(), let high = values.max() else { return svg + "</svg>" }
        let pad = max(0.01, (high - low) * 0.2)
        let yMin = low - pad, yMax = high + pad
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func py(_ y: Double) -> String { HTMLText.number(top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight) }
        svg += axes(xTicks: [], yTicks: ticks(yMin, yMax), px: { _ in "0" }, py: py, plotWidth: plotWidth,
                    xLabel: "group")
        let slot = plotWidth / Double(max(1, groups.count))
        for (g, group) in groups.enumerated() {
            let x = left + slot * (Double(g) + 0.5)
            let mean = group.values.reduce(0, +) / Double(max(1, group.values.count))
            let std = group.values.count > 1 ? (group.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                / Double(group.values.count - 1)).squareRoot() : 0
            let colour = palette[g % palette.count]
            svg += "<g class=\"group\"><title>\(HTMLText.escape(group.name + String(format: ": %.4f ± %.4f (n=%d)", mean, std, group.values.count)))</title>"
                + "<line x1=\"\(HTMLText.number(x))\" y1=\"\(py(mean - std))\" x2=\"\(HTMLText.number(x))\" "
                + "y2=\"\(py(mean + std))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                + "<line x1=\"\(HTMLText.number(x - 14))\" y1=\"\(py(mean))\" x2=\"\(HTMLText.number(x + 14))\" "
                + "y2=\"\(py(mean))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            for (k, value) in group.values.enumerated() {
                svg += "<circle cx=\"\(HTMLText.number(x + 20 + Double(k % 5) * 5))\" cy=\"\(py(value))\" r=\"3\" "
                    + "fill=\"\(colour)\"/>"
            }
            svg += "<text x=\"\(HTMLText.number(x))\" y=\"\(HTMLText.number(height - bottom + 16))\" "
                + "text-anchor=\"middle\">\(HTMLText.escape(String(group.name.prefix(28))))</text></g>"
        }
        return svg + "</svg>"
    }
}
