/// A rearrangement of a parameter's values (a transpose, a packed layout, per-thread blocks) kept until the values or
/// the layout's `key` change. Comparing with the saved source is cheap: an unchanged array still shares its buffer
/// (Swift's `==` sees the same storage first), and an optimizer's in-place update gives it a new one.
struct DerivedWeights<Value> {
    private var saved: (source: [Float], key: Int, value: Value)?

    /// The value made from `source` with layout `key`, rebuilt by `make` only when either changed since the last call.
    mutating func value(of source: [Float], key: Int = 0, _ make: () -> Value) -> Value {
        if let saved, saved.key == key, saved.source == source { return saved.value }
        let value = make()
        saved = (source, key, value)
        return value
    }
}
