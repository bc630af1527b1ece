import ExperimentKit
import Testing

@Suite struct OverrideTests {
    @Test func parsesOperationsAndPaths() throws {
        let set = try Override.parse("model.layers[4].units=128")
        #expect(set.operation == .set)
        #expect(set.path == [.key("model"), .key("layers"), .index(4), .key("units")])
        #expect(set.dottedPath == "model.layers[4].units")
        #expect(set.values.map(\.scalarText) == ["128"])
        #expect(try Override.parse("+training.grad_clip_norm=5").operation == .add)
        #expect(try Override.parse("++training.epochs=5").operation == .upsert)
        let delete = try Override.parse("~schedule")
        #expect(delete.operation == .delete && delete.values.isEmpty)
    }

    struct ValueCase: Sendable, CustomTestStringConvertible {
        let text: String
        let expected: JSONValue
        var testDescription: String { text }
    }

    @Test(arguments: [
        ValueCase(text: "a=10", expected: .int(10)),
        ValueCase(text: "a=-3", expected: .int(-3)),
        ValueCase(text: "a=1e-3", expected: .double(0.001)),
        ValueCase(text: "a=0.5", expected: .double(0.5)),
        ValueCase(text: "a=true", expected: .bool(true)),
        ValueCase(text: "a=null", expected: .null),
        ValueCase(text: "a=relu", expected: .string("relu")),
        ValueCase(text: "a='42'", expected: .string("42")),
        ValueCase(text: "a=\"x,y\"", expected: .string("x,y")),
        ValueCase(text: "a=", expected: .string("")),
        ValueCase(text: "a=[1, two, '3']", expected: .array([.int(1), .string("two"), .string("3")])),
        ValueCase(text: "a=[[1,2],[3]]", expected: .array([.array([.int(1), .int(2)]), .array([.int(3)])])),
        ValueCase(text: "a={type: dense, units: 4}", expected: .object(["type": .string("dense"), "units": .int(4)])),
    ])
    func typesValuesLikeYAML(_ valueCase: ValueCase) throws {
        let override = try Override.parse(valueCase.text)
        #expect(override.values.count == 1)
        #expect(override.values.map(JSONValue.init) == [valueCase.expected])
    }

    @Test func commaListsAreMultirun() throws {
        let lr = try Override.parse("optimizer.learning_rate=1e-3,3e-4")
        #expect(lr.isMultirun)
        #expect(lr.values.map(JSONValue.init) == [.double(0.001), .double(0.0003)])
        let features = try Override.parse("features.type=mfcc,logmel")
        let combinations = Override.expand([lr, features])
        #expect(combinations.count == 4)
        #expect(combinations.map { $0.map { $0.values[0].scalarText ?? "" } }
            == [["1e-3", "mfcc"], ["1e-3", "logmel"], ["3e-4", "mfcc"], ["3e-4", "logmel"]])
        let messages = specMessages { _ = try lr.apply(to: node("optimizer: {type: adam}")) }
        #expect(messages == ["override 'optimizer.learning_rate=1e-3,3e-4', column 11: 2 values given; comma-separated values are expanded by sweeps, one run each"])
    }

    @Test func valuesRememberTheirColumn() throws {
        let override = try Override.parse("model.layers[0]=[a, bb]")
        #expect(override.values[0].location == SourceLocation(file: "override 'model.layers[0]=[a, bb]'", line: 1, column: 17))
        #expect(override.values[0].items?[1].location.column == 21)
    }

    @Test(arguments: [
        ("=3", "override '=3', column 1: expected a key name, found '='"),
        ("a.=3", "override 'a.=3', column 3: expected a key name, found '='"),
        ("a[x]=3", "override 'a[x]=3', column 3: expected a list index such as [4]"),
        ("a b=3", "override 'a b=3', column 2: expected '=' after the key path (key=value, +key=value, ++key=value or ~key)"),
        ("a=[1,2", "override 'a=[1,2', column 7: unclosed '[' or '{'"),
        ("a='x", "override 'a='x', column 5: unterminated quoted string"),
        ("a=1]", "override 'a=1]', column 4: unbalanced ']'"),
        ("~a=3", "override '~a=3', column 3: a deletion takes no value: write '~a'"),
    ])
    func malformedOverridesNameTextAndColumn(text: String, message: String) {
        #expect(specMessages { _ = try Override.parse(text) } == [message])
    }

    @Test func parsingManyReportsEveryBadOne() {
        let messages = specMessages { _ = try Override.parse(["ok=1", "=2", "also ok=3"]) }
        #expect(messages == [
            "override '=2', column 1: expected a key name, found '='",
            "override 'also ok=3', column 5: expected '=' after the key path (key=value, +key=value, ++key=value or ~key)",
        ])
    }

    @Test func appliesSetAddUpsertAndDelete() throws {
        let tree = try node("optimizer: {type: adam}\nmodel:\n  layers: [{type: dense, units: 4}, relu]\nschedule: {type: x}\n")
        let result = try Override.apply(Override.parse([
            "optimizer.learning_rate=0.1",       // new key in an existing mapping
            "training.epochs=3",                 // mapping created on the way
            "model.layers[0].units=8",
            "model.layers[1]={type: dropout, rate: 0.2}",
            "+seed=7",
            "++seed=9",
            "~schedule",
        ]), to: tree)
        #expect(result["optimizer"]?["learning_rate"]?.scalarText == "0.1")
        #expect(result["training"]?["epochs"]?.scalarText == "3")
        #expect(result["model"]?["layers"]?.items?[0]["units"]?.scalarText == "8")
        #expect(result["model"]?["layers"]?.items?[1]["type"]?.scalarText == "dropout")
        #expect(result["seed"]?.scalarText == "9")
        #expect(result["schedule"] == nil)
        #expect(result["optimizer"]?["type"]?.location == SourceLocation(file: "t.yaml", line: 1, column: 19))
        let deleted = try Override.apply([Override.parse("~model.layers[1]")], to: tree)
        #expect(deleted["model"]?["layers"]?.items?.count == 1)
    }

    @Test func applicationErrorsAreCollected() throws {
        let tree = try node("optimizer: {type: adam}\nseed: 3\nmodel: {layers: [relu]}\n")
        let messages = specMessages {
            _ = try Override.apply(Override.parse([
                "+seed=4", "~schedul", "seed.value=1", "model.layers[3].units=2", "data.layers[0]=1", "+model.layers[0]=x",
            ]), to: tree)
        }
        #expect(messages == [
            "override '+seed=4', column 2: 'seed' is already set; use 'seed=…' to change it",
            "override '~schedul', column 2: 'schedul' is not in the spec, so it cannot be deleted.",
            "override 'seed.value=1', column 6: 'seed' is '3', not a mapping, so it has no key 'value'",
            "override 'model.layers[3].units=2', column 14: index [3] is out of range: 'model.layers' has 1 item(s)",
            "override 'data.layers[0]=1', column 13: 'data.layers' is not in the spec, so it has no item [0]; write the list in the spec first",
            "override '+model.layers[0]=x', column 15: '+' adds a new key; use 'model.layers[0]=…' to replace a list item",
        ])
    }

    @Test func deletingAMisspeltKeySuggests() throws {
        let messages = specMessages { _ = try Override.apply([Override.parse("~optimiser")], to: node("optimizer: {type: adam}")) }
        #expect(messages == ["override '~optimiser', column 2: 'optimiser' is not in the spec, so it cannot be deleted. Did you mean 'optimizer'?"])
    }
}

@Suite struct AssignmentTests {
    @Test func sweepValuesKeepTheirSpecLocation() throws {
        let sweep = try node("sweep:\n  grid:\n    model.layers[0].units: [8, abc]\n")
        let values = try #require(sweep["sweep"]?["grid"]?["model.layers[0].units"]?.items)
        let tree = try node("model: {layers: [{type: dense, units: 4}]}\n", file: "exp.yaml")
        let good = try Override.assignment("model.layers[0].units", values[0]).apply(to: tree)
        #expect(good["model"]?["layers"]?.items?[0]["units"]?.scalarText == "8")
        let bad = try Override.assignment("model.layers[0].units", values[1]).apply(to: tree)
        let messages = specMessages {
            _ = try ExperimentSpec(tree: bad, file: "exp.yaml", registries: Fakes.registries, classCount: 8)
        }
        #expect(messages == ["t.yaml:3:32: model.layers[0].units: expected an integer, got 'abc'"])
        #expect(specMessages { _ = try Override.assignment("model..units", values[0]) }
            == ["override 'model..units=', column 7: expected a key name, found '.'"])
    }
}
