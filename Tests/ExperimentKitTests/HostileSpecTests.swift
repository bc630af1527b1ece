import ExperimentKit
import Foundation
import Testing

/// Hostile and broken spec files: each is rejected with located messages, never a trap or a hang.
@Suite struct HostileSpecTests {
    /// Validates `yaml` with the built-in registries; a `data.root` is appended (after every tested line) if absent.
    private func spec(_ yaml: String, file: String = "exp.yaml") throws -> ExperimentSpec {
        let text = yaml.contains("data:") ? yaml : yaml + (yaml.hasSuffix("\n") ? "" : "\n") + "data: {root: corpus}\n"
        return try ExperimentSpec(tree: node(text, file: file), file: file, registries: Registries.builtins, classCount: 8)
    }

    struct TextCase: CustomTestStringConvertible, Sendable {
        let id: String
        let yaml: String
        /// The one expected message (`t.yaml:line:column: …`), or its start when `prefix` is set.
        let message: String
        var prefix = false
        var testDescription: String { id }
    }

    static let invalidYAML: [TextCase] = [
        TextCase(id: "unclosed flow list", yaml: "a: [1, 2\nb: 3\n", message: "t.yaml:2:2: invalid YAML: ", prefix: true),
        TextCase(id: "unterminated quote", yaml: "a: \"abc\nb: 1\n", message: "t.yaml:3:1: invalid YAML: ", prefix: true),
        TextCase(id: "bad indentation", yaml: "a:\n  b: 1\n c: 2\n", message: "t.yaml:3:2: invalid YAML: ", prefix: true),
        TextCase(id: "undefined alias", yaml: "a: *nothing\n", message: "t.yaml:1:4: invalid YAML: ", prefix: true),
        TextCase(id: "NUL byte", yaml: "a: 1\n\u{0}\n",
                 message: "t.yaml:2:1: invalid YAML: control characters are not allowed (U+0000)"),
        TextCase(id: "two documents", yaml: "a: 1\n---\nb: 2\n", message: "t.yaml:", prefix: true),
        TextCase(id: "tab in indentation", yaml: "a:\n\tb: 1\n",
                 message: "t.yaml:2:1: tab character in indentation; YAML indents with spaces only"),
        TextCase(id: "duplicate key", yaml: "seed: 1\nseed: 2\n",
                 message: "t.yaml:2:1: duplicate key 'seed' (first at line 1); each key may appear only once in a mapping"),
        TextCase(id: "duplicate key, quoted and plain", yaml: "1: a\n'1': b\n",
                 message: "t.yaml:2:1: duplicate key '1' (first at line 1); each key may appear only once in a mapping"),
        TextCase(id: "10,000 nested lists", yaml: "x: " + String(repeating: "[", count: 10_000),
                 message: "t.yaml:1:", prefix: true),
        TextCase(id: "10,000 nested mappings", yaml: "x: " + String(repeating: "{a: ", count: 10_000),
                 message: "t.yaml:1:", prefix: true),
        TextCase(id: "5,000 compact block lists", yaml: "x:\n  " + String(repeating: "- ", count: 5_000) + "1\n",
                 message: "t.yaml:2:", prefix: true),
        TextCase(id: "list as key", yaml: "[a]: 1\n", message: "t.yaml:1:1: mapping keys must be plain names, got a list"),
    ]

    @Test(arguments: invalidYAML)
    func invalidYAMLGivesOneLocatedMessage(_ test: TextCase) {
        let messages = specMessages { _ = try node(test.yaml) }
        #expect(messages.count == 1, "\(messages)")
        let message = messages.first ?? ""
        #expect(test.prefix ? message.hasPrefix(test.message) : message == test.message, "\(message)")
    }

    @Test func deepNestingNamesTheLimit() {
        let shallow = "x: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(specMessages { _ = try node(shallow) } == ["t.yaml:1:35: nesting deeper than 32 levels; specs are limited to 32"])
        // libyaml stops at 1000 levels, before Yams' recursive composer could exhaust the stack.
        // Just under libyaml's cap, Yams composes 999 levels recursively; the depth check then names the limit.
        let closed = "x: " + String(repeating: "[", count: 998) + String(repeating: "]", count: 998)
        #expect(specMessages { _ = try node(closed) } == ["t.yaml:1:35: nesting deeper than 32 levels; specs are limited to 32"])
        let deep = specMessages { _ = try node("x: " + String(repeating: "[", count: 10_000)) }
        #expect(deep.count == 1 && deep[0].hasPrefix("t.yaml:1:") && deep[0].contains("Maximum nesting level reached"), "\(deep)")
    }

    /// A "billion laughs" anchor chain: ten levels of ten aliases each.
    static let laughs: String = {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (level, previous) in zip("bcdefghij", "abcdefghi") {
            yaml += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        return yaml
    }()

    @Test(arguments: [
        ("*j : 1\n", "t.yaml:11:1: alias '*j' used as a mapping key; mapping keys must be plain names"),
        ("k: {*j: 1}\n", "t.yaml:11:5: alias '*j' used as a mapping key; mapping keys must be plain names"),
        ("[*j]: 1\n", "t.yaml:11:4: a flow list used as a mapping key; mapping keys must be plain names"),
        ("{x: *j}: 1\n", "t.yaml:11:7: a flow mapping used as a mapping key; mapping keys must be plain names"),
        ("? *j\n: 1\n", "t.yaml:11:1: explicit key indicator '?' in a spec that uses aliases; mapping keys must be "
            + "plain names written as 'key: value'"),
    ])
    func aliasBombKeysAreRefusedBeforeComposition(key: String, message: String) {
        // Yams would hash the 10⁹-node expansion of a key while checking duplicates: this must return at once.
        #expect(specMessages { _ = try node(Self.laughs + key) } == [message])
    }

    @Test(arguments: ["x: 1\r? *j\r: 1\n", "\u{FEFF}? *j\n: 1\n", "k: [? *j : 1]\n", "k:\n  - ? *j\n    : 1\n",
                      "k: {?*j : 1}\n"])
    func explicitKeysAfterInvisibleSeparatorsAreRefused(_ key: String) {
        let messages = specMessages { _ = try node(Self.laughs + key) }
        #expect(messages.count == 1 && messages[0].contains("explicit key indicator '?'"), "\(messages)")
    }

    @Test func aliasBombValuesHitTheNodeBudget() {
        let messages = specMessages { _ = try node(Self.laughs + "k: *j\n") }
        #expect(messages.count == 1)
        #expect(messages.first?.contains("spec expands to more than 10000 values") == true, "\(messages)")
    }

    @Test func aliasesAsValuesStillWork() throws {
        let tree = try node("base: &b {units: 4}\nother: *b\nlist: [*b, *b]  # why? a comment\n")
        #expect(tree["list"]?.items?.count == 2)
    }

    static let numberCases: [TextCase] = [
        TextCase(id: "int beyond Int64", yaml: "seed: 99999999999999999999\n",
                 message: "exp.yaml:1:7: seed: integer 99999999999999999999 is out of range; integers must be within "
                    + "-9223372036854775808...9223372036854775807"),
        TextCase(id: "epochs beyond Int64", yaml: "training: {epochs: 99999999999999999999}\n",
                 message: "exp.yaml:1:20: training.epochs: integer 99999999999999999999 is out of range; integers must "
                    + "be within -9223372036854775808...9223372036854775807"),
        TextCase(id: "float overflow", yaml: "optimizer: {type: adam, learning_rate: 1e400}\n",
                 message: "exp.yaml:1:40: optimizer.learning_rate: number 1e400 is out of range; numbers must be within "
                    + "±3.4e38 (Float)"),
        TextCase(id: "Float overflow", yaml: "data: {root: c}\naugment: [{type: noise, snr_db: [1, 1e39]}]\n",
                 message: "exp.yaml:2:37: augment[0].snr_db[1]: number 1e39 is out of range; numbers must be within ±3.4e38 (Float)"),
        TextCase(id: "units beyond the size limit", yaml: "model: {layers: [{type: dense, units: 9223372036854775807}]}\n",
                 message: "exp.yaml:1:39: model.layers[0].units: units must be <= 65536 (a limit far above real use). "
                    + "Received: units=9223372036854775807"),
        TextCase(id: "duration beyond the size limit", yaml: "data: {root: c, duration: 1e30}\n",
                 message: "exp.yaml:1:27: data.duration: duration must be <= 3600 (a limit far above real use). Received: duration=1e30"),
        TextCase(id: "a clip of too many samples", yaml: "data: {root: c, sample_rate: 384000, duration: 3600}\n",
                 message: "exp.yaml:1:7: data: one clip would hold 1382400000 samples (duration × sample_rate), above the "
                    + "limit of 134217728; lower data.duration or data.sample_rate"),
        TextCase(id: "a feature matrix too large", yaml: "features: {type: spectrogram, n_fft: 1048576, hop_length: 1}\n",
                 message: "exp.yaml:1:11: features: one clip's features could hold 75500761734 values (48002 frames × up to "
                    + "1572867 features), above the limit of 67108864; lower data.duration or data.sample_rate, or raise "
                    + "features.hop_length"),
        TextCase(id: "nan", yaml: "optimizer: {type: sgd, learning_rate: .nan}\n",
                 message: "exp.yaml:1:39: optimizer.learning_rate: expected a finite number, got .nan"),
        TextCase(id: "inf", yaml: "training: {grad_clip_norm: .inf}\n",
                 message: "exp.yaml:1:28: training.grad_clip_norm: expected a finite number, got .inf"),
    ]

    @Test(arguments: numberCases)
    func hugeNumbersGiveARangeError(_ test: TextCase) {
        #expect(specMessages { _ = try spec(test.yaml) } == [test.message])
    }

    @Test(arguments: [
        ("model: {layers: [{type: dense, units: 65536}, {type: dense, units: 65536}]}",
         "exp.yaml:1:54: model.layers[1]: a dense layer on input [94, 65536] would have about 4295032832 parameters, "
            + "above the limit of 268435456"),
        ("model: {layers: [{type: conv1d, filters: 65536, kernel_size: 65536}]}",
         "exp.yaml:1:25: model.layers[0]: a conv1d layer on input [94, 20] would have about 85899411456 parameters, "
            + "above the limit of 268435456"),
        ("model: {layers: [{type: conv1d, filters: 65536, kernel_size: 3}, {type: lstm, units: 65536, bidirectional: true}]}",
         "exp.yaml:1:73: model.layers[1]: a lstm layer on input [92, 65536] would have about 68720525312 parameters, "
            + "above the limit of 268435456"),
        ("data: {root: c, duration: 60}\nmodel: {layers: [{type: conv1d, filters: 65536, kernel_size: 1}]}",
         "exp.yaml:2:25: model.layers[0]: outputs [1876, 65536], 122945536 values per clip, above the limit of 67108864"),
    ])
    func oversizedModelsAreRefusedBeforeAllocation(yaml: String, message: String) throws {
        let parsed = try spec(yaml + "\n")
        let messages = specMessages {
            _ = try parsed.buildModel(registries: .builtins, inputShape: parsed.inputShape(registries: .builtins))
        }
        #expect(messages == [message])
    }

    @Test func randomEditsOfAFullSpecNeverTrap() {
        let base = Array(ExperimentSpecTests.full.unicodeScalars)
        let alphabet = Array("[]{}:,-?*&!|>'\"#%@\t\n \u{0}\r.0123456789eE+xa~".unicodeScalars)
        var state: UInt64 = 7
        func next() -> Int {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        var rejected = 0
        for _ in 0 ..< 400 {
            var scalars = base
            for _ in 0 ..< 1 + next() % 4 {
                let index = next() % scalars.count
                switch next() % 3 {
                case 0: scalars[index] = alphabet[next() % alphabet.count]
                case 1: scalars.insert(alphabet[next() % alphabet.count], at: index)
                default: scalars.remove(at: index)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            do {
                _ = try spec(text)
            } catch is SpecErrors {
                rejected += 1
            } catch {
                Issue.record("not a SpecErrors: \(error)")
            }
        }
        #expect(rejected > 100, "\(rejected)")
    }

    /// One wrong-typed value per key: each must give exactly one message at its location naming the key path.
    static let wrongTypes: [(yaml: String, path: String)] = [
        ("name: [a]", "name"), ("name: {a: 1}", "name"), ("seed: abc", "seed"), ("seed: [1]", "seed"),
        ("seed: 1.5", "seed"), ("data: 3", "data"), ("data: {root: c, sample_rate: abc}", "data.sample_rate"),
        ("data: {root: c, duration: [1]}", "data.duration"), ("data: {root: c, normalize: {a: 1}}", "data.normalize"),
        ("features: {type: mfcc, n_mfcc: abc}", "features.n_mfcc"), ("features: {type: [mfcc]}", "features.type"),
        ("features: {type: mfcc, n_fft: 1.5}", "features.n_fft"), ("augment: {type: noise}", "augment"),
        ("model: [1]", "model"), ("model: {layers: 3}", "model.layers"), ("model: {layers: [3]}", "model.layers[0]"),
        ("model: {layers: [{type: dense, units: [4]}]}", "model.layers[0].units"),
        ("model: {layers: [{type: dropout, rate: high}]}", "model.layers[0].rate"),
        ("optimizer: {type: adam, learning_rate: fast}", "optimizer.learning_rate"), ("optimizer: [adam]", "optimizer"),
        ("schedule: {type: step, step_size: x}", "schedule.step_size"),
        ("training: {epochs: 1.5}", "training.epochs"), ("training: {batch_size: true}", "training.batch_size"),
        ("training: []", "training"), ("training: {early_stopping: 3}", "training.early_stopping"),
        ("split: {type: speaker_holdout, test_speakers: {a: 1}}", "split.test_speakers"),
        ("metrics: {a: 1}", "metrics"),
    ]

    @Test(arguments: wrongTypes.indices)
    func wrongTypesAreNamedOneByOne(_ index: Int) {
        let (yaml, path) = Self.wrongTypes[index]
        let messages = specMessages { _ = try spec((yaml.hasPrefix("name:") ? "seed: 1\n" : "name: t\n") + yaml + "\n") }
        #expect(messages.count == 1, "\(yaml): \(messages)")
        #expect(messages.first?.hasPrefix("exp.yaml:2:") == true, "\(yaml): \(messages)")
        #expect(messages.first?.contains(" \(path): ") == true, "\(yaml): \(messages)")
    }

    @Test(arguments: [
        ("../../etc", "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found '/'"),
        ("/etc/passwd", "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found '/'"),
        ("a/b", "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found '/'"),
        ("..", "name must not start with '.'"),
        (".hidden", "name must not start with '.'"),
        ("", "name must not be empty"),
        ("with space", "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found ' '"),
        ("a\\0b", "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found U+0000"),
        ("é", "name may only contain A-Z, a-z, 0-9, '.', '_' and '-', found 'é'"),
        (String(repeating: "a", count: 101), "name must be at most 100 characters, got 101"),
    ])
    func hostileNamesAreRejected(name: String, problem: String) {
        let messages = specMessages { _ = try spec("name: \"\(name)\"\n") }
        #expect(messages.count == 1, "\(messages)")
        #expect(messages.first?.hasPrefix("exp.yaml:1:7: name: \(problem); the name becomes the run directory. Received: name=") == true,
                "\(messages)")
    }

    @Test func plainNamesAreAccepted() throws {
        for name in ["cnn-lstm_v2.1", "A", String(repeating: "a", count: 100), "a..b"] {
            #expect(try spec("name: '\(name)'\n").resolved.name == name)
        }
    }

    @Test func oversizedFilesAreRefusedBeforeReading() throws {
        let files = try SpecFiles()
        let big = try files.write("big.yaml", "seed: 1\n" + String(repeating: "# padding\n", count: 110_000))
        #expect(specMessages { _ = try SpecLoader().load(file: big) }
            == ["\(big): cannot read spec: the file is 1100008 bytes; specs are limited to 1048576"])
        #expect(specMessages { _ = try SpecLoader(maxBytes: 16).parse("seed: 1\nname: abcdefgh\n", file: "t.yaml") }
            == ["t.yaml:1:1: spec is 23 bytes; specs are limited to 16"])
    }

    @Test func directoriesAndDevicesAreNotReadAsSpecs() throws {
        let files = try SpecFiles()
        #expect(specMessages { _ = try SpecLoader().load(file: files.directory.path) }
            == ["\(files.directory.path): cannot read spec: not a regular file"])
        #expect(specMessages { _ = try SpecLoader().load(file: "/dev/zero") } == ["/dev/zero: cannot read spec: not a regular file"])
        let parent = try files.write("p.yaml", "extends: /dev/zero\n")
        #expect(specMessages { _ = try SpecLoader().load(file: parent) }
            == ["\(parent):1:10: extends: cannot read '/dev/zero': not a regular file"])
    }

    @Test func invalidUTF8IsNamed() throws {
        let files = try SpecFiles()
        let path = files.directory.appendingPathComponent("bin.yaml").path
        try Data([0x73, 0x65, 0x65, 0x64, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(specMessages { _ = try SpecLoader().load(file: path) } == ["\(path): cannot read spec: not readable as UTF-8 text"])
    }

    @Test func extendsItselfAndOverlongChainsAreNamed() throws {
        let files = try SpecFiles()
        let selfish = try files.write("self.yaml", "extends: self.yaml\n")
        #expect(specMessages { _ = try SpecLoader().load(file: selfish) }
            == ["\(selfish):1:10: extends: cycle in the extends chain: self.yaml → self.yaml"])
        for index in 0 ..< 20 { try files.write("c\(index).yaml", "extends: c\(index + 1).yaml\n") }
        try files.write("c20.yaml", "seed: 1\n")
        let messages = specMessages { _ = try SpecLoader().load(file: files.directory.appendingPathComponent("c0.yaml").path) }
        #expect(messages == ["\(files.directory.path)/c15.yaml:1:10: extends: extends chain longer than 16 files; specs are limited to 16"])
        let typed = try files.write("typed.yaml", "extends: [a.yaml]\n")
        #expect(specMessages { _ = try SpecLoader().load(file: typed) } == ["\(typed):1:10: extends: expected a file path, got a list"])
    }
}
