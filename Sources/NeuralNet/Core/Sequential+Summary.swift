import Foundation

extension Sequential {
    /// A Keras-style table of the stack: index and layer type, per-example output shape, trainable values, and the
    /// totals (trainable parameters, non-trainable buffer values, forward FLOPs per example).
    public func summary() -> String {
        var rows: [(String, String, String)] = [("Layer (type)", "Output shape", "Param #")]
        for (index, layer) in layers.enumerated() {
            let count = layer.parameters.reduce(0) { $0 + $1.value.count }
            let shape = "(N, " + outputShapes[index].map(String.init).joined(separator: ", ") + ")"
            rows.append(("\(index) \(typeName(of: layer))", shape, grouped(count)))
        }
        let widths = [0, 1, 2].map { column in
            rows.map { [$0.0, $0.1, $0.2][column].count }.max() ?? 0
        }
        func line(_ row: (String, String, String)) -> String {
            row.0.padding(toLength: widths[0] + 3, withPad: " ", startingAt: 0)
                + row.1.padding(toLength: widths[1] + 3, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: widths[2] - row.2.count) + row.2
        }
        let rule = String(repeating: "=", count: widths.reduce(6, +))
        let buffered = buffers.reduce(0) { $0 + $1.value.count }
        var text = [line(rows[0]), rule] + rows.dropFirst().map(line) + [rule]
        text.append("Total params: \(grouped(parameterCount + buffered))")
        text.append("Trainable params: \(grouped(parameterCount))")
        text.append("Non-trainable params: \(grouped(buffered))")
        if let flops = try? flopsPerExample() { text.append("Forward FLOPs per example: \(grouped(flops))") }
        return text.joined(separator: "\n")
    }
}

/// `1234567` → `1,234,567`.
private func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return result
}
