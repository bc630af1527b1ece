import Foundation

/// What `exp compare` shows and how.
public struct CompareOptions: Sendable {
    /// Sort keys; a leading `-` sorts descending (`-test.uar`). Runs without the value go last.
    public var sort: [String] = []
    /// A `WhereExpression` filter.
    public var filter: String?
    /// Exactly these columns, instead of run, status, created, metrics and differing params.
    public var columns: [String]?
    /// Group rows by these keys and aggregate numeric metrics as mean ± std with the count.
    public var groupBy: [String] = []
    /// Keep only the first N rows after sorting.
    public var top: Int?
    /// Decimals for fractional numbers in `table` and `md`.
    public var precision = 4
    /// Show every parameter, not only those that differ across the rows.
    public var allParams = false

    /// Options with defaults.
    public init() {}
}

/// A cell: a plain value (nil when the run lacks it) or an aggregate over a group.
public enum CompareCell: Sendable, Equatable {
    /// One run's value.
    case value(CompareValue?)
    /// Mean, sample standard deviation (ddof = 1, 0 for one run) and count of the runs that have the value.
    case aggregate(mean: Double, std: Double, count: Int)
}

/// The rows and columns `exp compare` prints, built from loaded runs.
public struct CompareTable: Sendable {
    /// Column keys, in order.
    public var columns: [String]
    /// One entry per row, aligned with `columns`.
    public var rows: [[CompareCell]]
    /// Decimals used by `table` and `md`.
    public var precision: Int
    /// The runs that passed the filter, sorted (before `top` when grouping).
    public var runs: [RunRow]
    /// Columns printed at `precision` (metrics); the others print exactly (parameters, attributes).
    public var roundedColumns: Set<String>

    /// The metric columns shown by default, in this order, when any run has them.
    public static let defaultMetrics = ["test.uar", "test.accuracy", "test.macro_f1", "test.loss", "val.best_uar",
                                        "val.best_loss"]

    /// Filters, sorts, groups and selects columns.
    /// - Throws: `CompareError` for a bad `--where` expression or a key no run has.
    public init(runs all: [RunRow], options: CompareOptions) throws {
        let runs = all
        var keys = Set<String>()
        for run in runs {
            keys.formUnion(run.attributes.keys)
            keys.formUnion(run.metrics.keys)
            keys.formUnion(run.params.keys)
        }
        func check(_ key: String, _ option: String) throws {
            guard keys.contains(key) || key == "n" && !options.groupBy.isEmpty else {
                throw CompareError.unknownKey(key, option: option, suggestion: suggestion(for: key, among: keys))
            }
        }
        var selected = runs
        if let filter = options.filter {
            let expression = try WhereExpression.compile(filter, runs: runs, keys: keys)
            selected = selected.filter(expression.matches)
        }
        for key in options.groupBy { try check(key, "--group-by") }
        for key in options.sort { try check(key.hasPrefix("-") ? String(key.dropFirst()) : key, "--sort") }
        for key in options.columns ?? [] { try check(key, "--columns") }
        precision = options.precision
        var metricKeys = Set<String>()
        for run in runs { metricKeys.formUnion(run.metrics.keys) }
        roundedColumns = metricKeys
        if options.groupBy.isEmpty {
            selected = Self.sorted(selected, by: options.sort.isEmpty ? ["run"] : options.sort) { $0.value($1) }
            if let top = options.top { selected = Array(selected.prefix(top)) }
            self.runs = selected
            let keys = options.columns ?? Self.defaultColumns(selected, allParams: options.allParams)
            columns = keys
            rows = selected.map { run in keys.map { .value(run.value($0)) } }
        } else {
            self.runs = selected
            let groups = Self.group(selected, by: options.groupBy)
            let metricKeys = options.columns?.filter { !options.groupBy.contains($0) && $0 != "n" }
                ?? Self.metricColumns(selected)
            let keys = options.groupBy + ["n"] + metricKeys
            columns = keys
            var table = groups.map { group -> [String: CompareCell] in
                var cells: [String: CompareCell] = ["n": .value(.number(Double(group.runs.count)))]
                for (key, value) in zip(options.groupBy, group.key) { cells[key] = .value(value) }
                for key in metricKeys {
                    let values = group.runs.compactMap { $0.value(key)?.number }
                    cells[key] = values.isEmpty ? .value(nil) : Self.aggregate(values)
                }
                return cells
            }
            table = Self.sorted(table, by: options.sort.isEmpty ? options.groupBy : options.sort) { cells, key in
                switch cells[key] {
                case .value(let value)?: return value
                case .aggregate(let mean, _, _)?: return .number(mean)
                case nil: return nil
                }
            }
            if let top = options.top { table = Array(table.prefix(top)) }
            rows = table.map { cells in keys.map { cells[$0] ?? .value(nil) } }
        }
    }

    /// Run, status, created, the metrics, then the parameters that differ (or all of them).
    static func defaultColumns(_ runs: [RunRow], allParams: Bool) -> [String] {
        var params = Set<String>()
        for run in runs { params.formUnion(run.params.keys) }
        let shown = params.sorted().filter { key in
            if allParams { return true }
            guard let first = runs.first?.params[key] else { return true }
            return runs.contains { $0.params[key] != first }
        }
        return ["run", "status", "created"] + metricColumns(runs) + shown
    }

    /// The default metrics any run has, then `eval.<corpus>.uar` of every evaluated corpus (sorted).
    static func metricColumns(_ runs: [RunRow]) -> [String] {
        var evaluated = Set<String>()
        for run in runs {
            evaluated.formUnion(run.metrics.keys.filter { $0.hasPrefix("eval.") && $0.hasSuffix(".uar") })
        }
        return defaultMetrics.filter { key in runs.contains { $0.metrics[key] != nil } } + evaluated.sorted()
    }

    /// Mean and sample standard deviation (ddof = 1, as pandas), 0 for a single value.
    static func aggregate(_ values: [Double]) -> CompareCell {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1
            ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
        return .aggregate(mean: mean, std: variance.squareRoot(), count: values.count)
    }

    struct Group {
        var key: [CompareValue?]
        var runs: [RunRow]
    }

    /// Groups in order of first appearance.
    static func group(_ runs: [RunRow], by keys: [String]) -> [Group] {
        var groups: [Group] = []
        var index: [[CompareValue?]: Int] = [:]
        for run in runs {
            let key = keys.map { run.value($0) }
            if let position = index[key] {
                groups[position].runs.append(run)
            } else {
                index[key] = groups.count
                groups.append(Group(key: key, runs: [run]))
            }
        }
        return groups
    }

    /// A stable sort by several keys; missing values go last whatever the direction.
    static func sorted<Item>(_ items: [Item], by keys: [String], value: (Item, String) -> CompareValue?) -> [Item] {
        let parsed = keys.map { key in key.hasPrefix("-") ? (String(key.dropFirst()), true) : (key, false) }
        let decorated = items.enumerated().map { offset, item in
            (offset, item, parsed.map { value(item, $0.0) })
        }
        return decorated.sorted { a, b in
            for (position, (_, descending)) in parsed.enumerated() {
                switch (a.2[position], b.2[position]) {
                case (nil, nil): continue
                case (nil, _): return false
                case (_, nil): return true
                case let (x?, y?):
                    if x == y { continue }
                    return descending ? CompareValue.precedes(y, x) : CompareValue.precedes(x, y)
                }
            }
            return a.0 < b.0
        }.map(\.1)
    }
}
