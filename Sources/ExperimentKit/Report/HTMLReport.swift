import Foundation

/// What `exp report` includes.
public struct ReportOptions: Sendable {
    /// Filter, sort, columns and top for the table and the runs charted (`groupBy` is ignored for the table).
    public var compare = CompareOptions()
    /// Page title.
    public var title = "exp report"
    /// Keys that define a seed/fold group for the spread chart; nil groups by every differing parameter except
    /// `seed` and fold keys.
    public var spreadGroupBy: [String]?
    /// The metric whose spread is drawn.
    public var spreadMetric = "test.uar"
    /// At most this many runs get curves, bars and confusion matrices (the table lists all).
    public var maxChartedRuns = 20

    /// Options with defaults.
    public init() {}
}

/// `exp report`: one self-contained HTML file (inline CSS and SVG, no network) with the comparison table, learning
/// curves, per-class F1 bars, confusion-matrix heatmaps and the spread of seed/fold groups.
public enum HTMLReport {
    /// The report for the runs under `paths`, and notes about runs that could only be read in part.
    /// - Throws: `CompareError`.
    public static func render(_ paths: [URL], options: ReportOptions) throws -> (html: String, notes: [String]) {
        let (all, notes) = try Comparison.load(paths)
        var tableOptions = options.compare
        tableOptions.groupBy = []
        let table = try CompareTable(runs: all, options: tableOptions)
        let runs = table.runs
        let charted = Array(runs.prefix(options.maxChartedRuns))
        let artifacts = charted.map { try? RunArtifacts.read(RunDirectory(existing: $0.directory)) }
        func name(_ row: RunRow) -> String { row.attributes["run"]?.description ?? row.directory.lastPathComponent }
        func colour(_ index: Int) -> String { SVGChart.palette[index % SVGChart.palette.count] }

        var body = "<h1>\(HTMLText.escape(options.title))</h1>\n<p>\(runs.count) run\(runs.count == 1 ? "" : "s")"
        if runs.count > charted.count { body += "; charts show the first \(charted.count)" }
        body += ".</p>\n<h2>Comparison</h2>\n" + htmlTable(table) + "\n<h2>Learning curves</h2>\n<div class=\"grid\">"
        let curves: [(String, (EpochMetrics) -> Double?)] = [
            ("Training loss", { $0.train.loss }), ("Validation loss", { $0.validation?.loss }),
            ("Training UAR", { $0.train.uar }), ("Validation UAR", { $0.validation?.uar }),
        ]
        for (title, value) in curves {
            let series = charted.indices.map { index in
                SVGChart.Series(name: name(charted[index]), colour: colour(index),
                                points: (artifacts[index]?.history ?? []).compactMap { epoch in
                                    value(epoch).map { (Double(epoch.epoch), $0) } })
            }
            body += SVGChart.lines(title: title, xLabel: "epoch", series: series)
        }
        body += "</div>\n"
        let tested = charted.indices.compactMap { index in artifacts[index]?.test.map { (index, $0) } }
        if let classes = tested.first?.1.perClass.map(\.name) {
            body += "<h2>Per-class F1 (test)</h2>\n" + SVGChart.bars(
                title: "Per-class F1", categories: classes,
                series: tested.prefix(SVGChart.palette.count).map { index, metrics in
                    (name(charted[index]), colour(index), metrics.perClass.map(\.f1))
                }) + "\n<h2>Confusion matrices (test; rows = truth)</h2>\n<div class=\"grid\">"
            for (index, metrics) in tested {
                body += SVGChart.heatmap(title: name(charted[index]), classes: metrics.perClass.map(\.name),
                                         matrix: metrics.confusionMatrix)
            }
            body += "</div>\n"
        }
        let groups = spreadGroups(runs, options: options)
        if groups.contains(where: { $0.values.count > 1 }) {
            body += "<h2>Spread over seeds and folds (\(HTMLText.escape(options.spreadMetric)))</h2>\n"
                + SVGChart.spread(title: "\(options.spreadMetric): mean ± std per group", groups: groups) + "\n"
        }
        return (page(title: options.title, body: body), notes)
    }

    /// Renders and writes the report atomically to `url`; returns the notes.
    /// - Throws: `CompareError` or `RunError.writeFailed`.
    @discardableResult
    public static func write(_ paths: [URL], options: ReportOptions, to url: URL) throws -> [String] {
        let (html, notes) = try render(paths, options: options)
        try AtomicFile.write(html, to: url)
        return notes
    }

    static func spreadGroups(_ runs: [RunRow], options: ReportOptions) -> [(name: String, values: [Double])] {
        let keys: [String]
        if let chosen = options.spreadGroupBy {
            keys = chosen
        } else {
            var params = Set<String>()
            for run in runs { params.formUnion(run.params.keys) }
            keys = params.sorted().filter { key in
                key != "seed" && !key.lowercased().contains("fold")
                    && runs.contains { $0.params[key] != runs.first?.params[key] }
            }
        }
        return CompareTable.group(runs, by: keys).compactMap { group in
            let values = group.runs.compactMap { $0.metrics[options.spreadMetric] }
            guard !values.isEmpty else { return nil }
            let label = zip(keys, group.key).map { "\($0)=\($1?.description ?? "-")" }.joined(separator: " ")
            return (label.isEmpty ? "all runs" : label, values)
        }
    }

    static func htmlTable(_ table: CompareTable) -> String {
        var html = "<table><thead><tr>" + table.columns.map { "<th>\(HTMLText.escape($0))</th>" }.joined()
            + "</tr></thead><tbody>"
        for row in table.rows {
            html += "<tr>" + zip(row, table.columns).map { cell, column in
                let numeric: Bool
                if case .value(.number?) = cell { numeric = true } else { numeric = false }
                return "<td\(numeric ? " class=\"num\"" : "")>\(HTMLText.escape(table.text(cell, column: column)))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// The page shell. The inline script only records chart count and script errors on `<body>` for checks.
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(HTMLText.escape(title))</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
        table { border-collapse: collapse; font-size: 12px; }
        th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .grid { display: flex; flex-wrap: wrap; gap: 12px; }
        svg.chart { background: #fff; border: 1px solid #eee; font-size: 11px; }
        svg .heading { font-size: 13px; font-weight: 600; }
        </style>
        <script>
        window.addEventListener("error", function (event) {
          document.body.setAttribute("data-script-errors", String(event.message));
        });
        document.addEventListener("DOMContentLoaded", function () {
          document.body.setAttribute("data-charts", String(document.querySelectorAll("svg.chart").length));
        });
        </script>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }
}
