import ExperimentKit
import Testing

@Suite struct RunIDTests {
    /// FIPS 180-4 / NIST example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func sha256MatchesReferenceVectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test func sha256AtBlockBoundaries() {
        // 55, 56 and 64 bytes straddle the padding rule; digests from coreutils sha256sum.
        #expect(SHA256.hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    private func resolved(_ yaml: String) throws -> ResolvedSpec {
        try ExperimentSpec(tree: node(yaml), file: "exp.yaml", registries: Fakes.registries, classCount: 8).resolved
    }

    @Test func sameSpecSameIDWhateverTheLayout() throws {
        let a = try resolved("name: demo\nseed: 3\noptimizer: {type: adam, learning_rate: 0.01}\n")
        let b = try resolved("optimizer:\n  learning_rate: 1e-2\n  type: adam\nseed: 3\nname: demo\n")
        #expect(a.runID == b.runID)
        #expect(a.canonicalJSON == b.canonicalJSON)
        #expect(a.runID.hash.count == 10 && a.runID.hash.allSatisfy(\.isHexDigit))
        #expect(a.runID.hash == String(SHA256.hex(a.canonicalJSON).prefix(10)))
    }

    @Test func writingADefaultExplicitlyKeepsTheID() throws {
        let implicit = try resolved("name: demo\n")
        let explicit = try resolved("name: demo\noptimizer: {type: adam, learning_rate: 0.001, beta1: 0.9}\ntraining: {epochs: 60}\n")
        #expect(implicit.runID == explicit.runID)
    }

    @Test(arguments: [
        "seed=4", "optimizer.learning_rate=0.002", "model.layers[8].activation=tanh", "training.batch_size=16",
        "data.duration=2.5", "+schedule={type: reduce_on_plateau}", "name=demo2", "features.n_mfcc=13",
        "metrics=[accuracy]",
    ])
    func anyValueChangeChangesTheID(override: String) throws {
        let base = try ExperimentSpec.withDefaults(node("name: demo\n"))
        let original = try ExperimentSpec(tree: base, file: "exp.yaml", registries: Fakes.registries, classCount: 8).resolved
        let changed = try ExperimentSpec(tree: Override.apply([Override.parse(override)], to: base), file: "exp.yaml",
                                         registries: Fakes.registries, classCount: 8).resolved
        #expect(original.runID.hash != changed.runID.hash)
    }

    /// `units: classes` is resolved from the corpus at run time, so the count used for validation is not hashed;
    /// the corpus (and its labels mapping) is.
    @Test func validationClassCountIsNotPartOfTheID() throws {
        let eight = try ExperimentSpec(tree: node("name: demo\n"), file: "e.yaml", registries: Fakes.registries, classCount: 8)
        let four = try ExperimentSpec(tree: node("name: demo\n"), file: "e.yaml", registries: Fakes.registries, classCount: 4)
        #expect(eight.resolved.runID == four.resolved.runID)
    }

    @Test(arguments: [
        ("cnn-lstm-mfcc", "cnn-lstm-mfcc"), ("CNN_LSTM.v2", "cnn-lstm-v2"), ("__x__", "x"), ("___", "run"),
        (String(repeating: "a", count: 60), String(repeating: "a", count: 40)),
    ])
    func slugIsReadable(name: String, slug: String) {
        let id = RunID(name: name, hash: "0123456789")
        #expect(id.slug == slug)
        #expect(id.description == "\(slug)-0123456789")
    }
}
