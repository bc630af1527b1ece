import ExperimentKit
import Foundation

/// A run as `exp compare` sees a directory it cannot read, plus the keys real runs have.
private let row = RunRow.load(URL(fileURLWithPath: "/nonexistent/exp-fuzz/run"))
private let keys: Set<String> = Set(RunRow.attributeKeys).union(
    ["optimizer.learning_rate", "test.uar", "val.best_uar", "features.type", "model.layers[4].units", "seed"])

/// libFuzzer entry: bytes → `WhereExpression.parse` → `bind(keys:)` → `matches`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWhere(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    do {
        let expression = try WhereExpression.parse(text)
        _ = try expression.bind(keys: keys).matches(row)
    } catch {
        _ = String(describing: error)
    }
    return 0
}
