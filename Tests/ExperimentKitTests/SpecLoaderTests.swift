import ExperimentKit
import Testing

@Suite struct SpecLoaderTests {
    @Test func keepsLineAndColumnOfEveryValue() throws {
        let tree = try node("name: a\nmodel:\n  layers:\n    - {type: dense, units: 4}\n")
        let units = try #require(tree["model"]?["layers"]?.items?.first?["units"])
        #expect(units.location == SourceLocation(file: "t.yaml", line: 4, column: 28))
        #expect(tree.entry("model")?.keyLocation.description == "t.yaml:2:1")
    }

    @Test func quotedScalarsStayStrings() throws {
        let tree = try node("a: 123\nb: '123'\nc: !!str 5\nd: ~\ne: 1e-3\n")
        #expect(tree["a"]?.scalarKind == .int)
        #expect(tree["b"]?.scalarKind == .string)
        #expect(tree["c"]?.scalarKind == .string)
        #expect(tree["d"]?.isNull == true)
        #expect(tree["e"]?.scalarKind == .float)
    }

    @Test func rejectsEveryTabIndentedLine() {
        let messages = specMessages { _ = try node("model:\n\tlayers: []\ntraining:\n  \tepochs: 3\n") }
        #expect(messages == [
            "t.yaml:2:1: tab character in indentation; YAML indents with spaces only",
            "t.yaml:4:3: tab character in indentation; YAML indents with spaces only",
        ])
    }

    @Test func rejectsDuplicateKeys() {
        let messages = specMessages { _ = try node("seed: 1\ntraining:\n  epochs: 3\n  epochs: 4\n") }
        #expect(messages == ["t.yaml:4:3: duplicate key 'epochs' (first at line 3); each key may appear only once in a mapping"])
        let nested = specMessages { _ = try node("model:\n  layers: []\n  extra:\n    layers: 1\n  # note\n\n  layers: [relu]\n") }
        #expect(nested == ["t.yaml:7:3: duplicate key 'layers' (first at line 2); each key may appear only once in a mapping"])
        let flow = specMessages { _ = try node("training: {epochs: 3, epochs: 4}\n") }
        #expect(flow == ["t.yaml:1:12: duplicate key 'epochs' in one mapping; each key may appear only once"])
    }

    @Test func rejectsAliasBombs() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (level, previous) in zip("bcdefghij", "abcdefghi") {
            yaml += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let messages = specMessages { _ = try node(yaml) }
        #expect(messages.count == 1)
        #expect(messages.first?.hasSuffix("spec expands to more than 10000 values (aliases of anchors are counted at each use); specs are limited to 10000") == true)
        #expect(messages.first?.hasPrefix("t.yaml:") == true)
    }

    @Test func acceptsModestAliases() throws {
        let tree = try node("base: &b {units: 4}\nother: *b\n")
        #expect(tree["other"]?["units"]?.scalarText == "4")
    }

    @Test func rejectsDeepNesting() {
        let yaml = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let messages = specMessages { _ = try node(yaml) }
        #expect(messages == ["t.yaml:1:33: nesting deeper than 32 levels; specs are limited to 32"])
    }

    @Test func rejectsDeepBlockNesting() {
        let yaml = (0..<40).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n"
        let messages = specMessages { _ = try node(yaml) }
        #expect(messages == ["t.yaml:33:65: nesting deeper than 32 levels; specs are limited to 32"])
    }

    @Test func reportsYAMLSyntaxErrorsWithPosition() {
        let messages = specMessages { _ = try node("a: [1, 2\nb: 3\n") }
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("t.yaml:2:2: invalid YAML: ") == true)
    }

    @Test func rejectsEmptySpec() {
        #expect(specMessages { _ = try node("# nothing\n") } == ["t.yaml:1:1: spec is empty"])
    }

    @Test func unreadableFileIsNamed() {
        let messages = specMessages { _ = try SpecLoader().load(file: "/nonexistent/spec.yaml") }
        #expect(messages == ["/nonexistent/spec.yaml: cannot read spec: no such file"])
    }

    @Test func extendsMergesMapsReplacesListsAndScalars() throws {
        let files = try SpecFiles()
        try files.write("configs/base.yaml", """
            name: base
            seed: 1
            optimizer: {type: adam, learning_rate: 0.01, beta1: 0.8}
            metrics: [accuracy, uar]
            """)
        try files.write("configs/mid.yaml", "extends: base.yaml\nseed: 2\n")
        let child = try files.write("configs/exp/child.yaml", """
            extends: ../mid.yaml
            optimizer:
              learning_rate: 0.5
            metrics: [macro_f1]
            """)
        let tree = try SpecLoader().load(file: child)
        #expect(tree["extends"] == nil)
        #expect(tree["name"]?.scalarText == "base")
        #expect(tree["seed"]?.scalarText == "2")
        #expect(tree["optimizer"]?["type"]?.scalarText == "adam")
        #expect(tree["optimizer"]?["beta1"]?.scalarText == "0.8")
        #expect(tree["optimizer"]?["learning_rate"]?.scalarText == "0.5")
        #expect(tree["metrics"]?.items?.map(\.scalarText) == ["macro_f1"])
        // Every value keeps the file that defined it.
        #expect(tree["optimizer"]?["beta1"]?.location.description == "\(files.directory.path)/configs/base.yaml:3:53")
        #expect(tree["seed"]?.location.description == "\(files.directory.path)/configs/mid.yaml:2:7")
        #expect(tree["optimizer"]?["learning_rate"]?.location == SourceLocation(file: child, line: 3, column: 18))
    }

    @Test func extendsCycleIsReported() throws {
        let files = try SpecFiles()
        let a = try files.write("a.yaml", "extends: b.yaml\nseed: 1\n")
        try files.write("b.yaml", "seed: 2\nextends: a.yaml\n")
        let messages = specMessages { _ = try SpecLoader().load(file: a) }
        #expect(messages == [
            "\(files.directory.path)/b.yaml:2:10: extends: cycle in the extends chain: a.yaml → b.yaml → a.yaml",
        ])
    }

    @Test func missingParentNamesTheExtendsLine() throws {
        let files = try SpecFiles()
        let a = try files.write("a.yaml", "seed: 1\nextends: nothere.yaml\n")
        let messages = specMessages { _ = try SpecLoader().load(file: a) }
        #expect(messages == ["\(a):2:10: extends: cannot read '\(files.directory.path)/nothere.yaml': no such file"])
    }
}
