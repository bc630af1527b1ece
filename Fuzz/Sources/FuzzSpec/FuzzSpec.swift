import ExperimentKit
import Foundation

/// libFuzzer entry: bytes → YAML → `SpecNode` → sweep definition and full spec validation.
///
/// Every input must either validate or throw; a trap, a sanitizer report or a hang is a finding. The error text is
/// rendered too, since a message that traps while naming a hostile key is as bad as a parser that does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    do {
        let tree = try SpecLoader().parse(text, file: "fuzz.yaml")
        var withoutSweep = tree
        if let sweep = tree["sweep"] {
            _ = try? SweepDefinition(node: sweep)
            if let entries = tree.entries {
                withoutSweep = SpecNode(.mapping(entries.filter { $0.key != "sweep" }), at: tree.location)
            }
        }
        _ = ExperimentSpec.withDefaults(withoutSweep)
        let spec = try ExperimentSpec(tree: withoutSweep, file: "fuzz.yaml", registries: .builtins, classCount: 8)
        _ = spec.resolved
    } catch {
        _ = String(describing: error)
    }
    return 0
}
