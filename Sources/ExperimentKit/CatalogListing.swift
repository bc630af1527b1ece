/// The text of `exp components [KIND]`: every registered type with its options, types, defaults and meaning,
/// read from the same registrations that validate specs.
public enum CatalogListing {
    /// The listing of `kinds` (all kinds by default), in `ComponentKind` order, types sorted by name.
    public static func render(_ registries: Registries, kinds: [ComponentKind] = ComponentKind.allCases) -> String {
        var lines: [String] = []
        for kind in kinds {
            let entries = registries.catalog(kind).entries
            lines.append("\(kind.rawValue) (\(entries.count) type\(entries.count == 1 ? "" : "s"))")
            if entries.isEmpty { lines.append("  (none registered)") }
            for entry in entries {
                lines.append("  \(entry.name): \(entry.summary)")
                let rows = entry.options.map { option in
                    [option.name, option.type, option.isRequired ? "required" : "default \(option.dependentDefault ?? (option.defaultValue ?? .null).description)", option.doc]
                }
                let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
                for row in rows {
                    let padded = (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                    lines.append("    " + (padded + [row[3]]).joined(separator: "  "))
                }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
