import EmotionCorpus
import Foundation
import Testing
@testable import ExperimentKit

/// `exp ensemble`'s engine on runs trained here: two speaker folds of a 3-speaker synthetic corpus, scored alone (the
/// run's own test metrics come back), as a two-experiment ensemble (the mean of the members' `Predictor`
/// probabilities is what is scored), and refused for mismatched classes or a missing fold.
@Suite(.serialized) struct EnsembleEvaluationTests {
    /// Trained runs shared by the tests: experiments `alpha` and `beta` (different features) on folds 0 and 1,
    /// `merged` (calm mapped onto neutral: 7 classes) on both folds, `partial` on fold 0 only.
    struct Workspace {
        let base: URL
        let root: URL
        let manifest: String
        let specs: [String: ExperimentSpec]
        let runs: [String: [URL]]
    }

    static let workspace: Result<Workspace, any Error> = Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("exp-ensemble-\(getpid())")
        let manifest = try CrossCorpusFixtures.manifest("three", in: base, actors: ["01", "02", "03"])
        let data = "{corpus: manifest, path: \(manifest), sample_rate: 8000, duration: 0.5, speaker_normalization: true}"
        let options = CrossCorpusFixtures.options(base)
        var specs: [String: ExperimentSpec] = [:]
        var runs: [String: [URL]] = [:]
        let experiments: [(name: String, folds: [Int], seeds: [Int], features: String?, extra: String)] = [
            ("alpha", [0, 1], [1], nil, ""),
            ("beta", [0, 1], [1], "features: {type: logmel, n_fft: 256, hop_length: 256, n_mels: 12}", ""),
            ("merged", [0, 1], [1], nil, "labels: {map: {calm: neutral}}"),
            ("partial", [0], [1], nil, ""),
            ("seeds", [0, 1], [2, 3], nil, ""),
        ]
        for experiment in experiments {
            for (fold, seed) in experiment.folds.flatMap({ fold in experiment.seeds.map { (fold, $0) } }) {
                var yaml = CrossCorpusFixtures.spec(name: experiment.name, data: data,
                                                    split: "{type: speaker_kfold, k: 2, fold: \(fold)}",
                                                    extra: experiment.extra)
                    .replacingOccurrences(of: "seed: 1\n", with: "seed: \(seed)\n")
                if let features = experiment.features {
                    yaml = yaml.replacingOccurrences(of: "features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 256, n_mels: 20}",
                                                     with: features)
                }
                let spec = try CrossCorpusFixtures.load(yaml)
                let components = SpecComponents(spec: spec, registries: .builtins, classCount: 8)
                let result = try Experiment.run(spec.resolved, components: components, options: options)
                guard result.status == .completed else { throw RunError.invalid(result.error ?? "run failed") }
                specs[result.directory.path] = spec
                runs[experiment.name, default: []].append(result.directory)
            }
        }
        return Workspace(base: base, root: options.runsRoot, manifest: manifest, specs: specs, runs: runs)
    }

    static func evaluate(_ references: [String], name: String? = nil, in workspace: Workspace) throws -> EnsembleSummary {
        try EnsembleEvaluator.evaluate(references: references, name: name, runsRoot: workspace.root,
                                       registries: .builtins,
                                       featureCache: FeatureCache(directory: workspace.base.appendingPathComponent("cache").path))
    }

    /// The mean over `references` of each reference's mean `Predictor` probabilities on `clips` (8 classes). With
    /// speaker folds the test speakers' clips are all test clips, so they are the normalisation context.
    static func meanProbabilities(_ references: [[URL]], clips: [Clip], in workspace: Workspace) throws -> [[Double]] {
        var mean = [[Double]](repeating: [Double](repeating: 0, count: 8), count: clips.count)
        for runs in references {
            for run in runs {
                let components = SpecComponents(spec: try #require(workspace.specs[run.path]), registries: .builtins,
                                                classCount: 8)
                let probabilities = try Predictor(run: run, components: components)
                    .probabilities(of: clips, scoring: Array(clips.indices))
                let weight = 1 / Double(runs.count * references.count)
                for row in mean.indices { for k in 0 ..< 8 { mean[row][k] += probabilities[row][k] * weight } }
            }
        }
        return mean
    }

    @Test func oneMemberReproducesTheRunsOwnTestMetrics() throws {
        let workspace = try Self.workspace.get()
        let summary = try Self.evaluate(["alpha"], name: "alpha-alone", in: workspace)
        #expect(summary.groups.map(\.record.group) == ["fold-0", "fold-1"])
        for (group, run) in zip(summary.groups, workspace.runs["alpha"] ?? []) {
            let own = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                      from: Data(contentsOf: RunDirectory(existing: run).metrics))
            #expect(group.record.members.map(\.path) == [run.path])
            #expect(abs(group.metrics.uar - own.uar) < 1e-9 && abs(group.metrics.accuracy - own.accuracy) < 1e-9,
                    "ensemble \(group.metrics.uar)/\(group.metrics.accuracy), run \(own.uar)/\(own.accuracy)")
            #expect(group.metrics.confusionMatrix == own.confusionMatrix)
            #expect(group.metrics.count == own.count)
        }
    }

    @Test func twoExperimentsGroupByFoldAndScoreTheMeanOfTheirProbabilities() throws {
        let workspace = try Self.workspace.get()
        let summary = try Self.evaluate(["alpha", "beta"], in: workspace)
        #expect(summary.name == "alpha+beta")
        #expect(summary.groups.map(\.record.group) == ["fold-0", "fold-1"])
        let corpus = try ManifestSource(.init(path: workspace.manifest)).load()
        for (fold, group) in summary.groups.enumerated() {
            let members = [workspace.runs["alpha"]?[fold], workspace.runs["beta"]?[fold]].compactMap { $0 }
            #expect(group.record.members.map(\.path) == members.map(\.path))
            #expect(group.record.members.map(\.experiment) == ["alpha", "beta"] && group.record.fold == fold)
            let record = try #require(try RunRecord.read(RunDirectory(existing: members[0]).record))
            let test = Set(try #require(record.split).test)
            let clips = corpus.clips.filter { test.contains(Experiment.relativePath($0, in: corpus)) }
            #expect(clips.count == test.count && group.record.testClips == test.count)
            let mean = try Self.meanProbabilities([[members[0]], [members[1]]], clips: clips, in: workspace)
            let classes = try #require(record.classes)
            let truth = clips.map { classes.firstIndex(of: $0.label) ?? -1 }
            let predicted = mean.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
            let expected = ClassificationMetrics(truth: truth, predicted: predicted, classNames: classes)
            #expect(group.metrics.confusionMatrix == expected.confusionMatrix)
            #expect(abs(group.metrics.uar - expected.uar) < 1e-12)
            let loss = zip(truth, mean).map { -log($1[$0]) }.reduce(0, +) / Double(truth.count)
            // Each probability is a mean of two doubles: the NLL agrees to a few ulps of its magnitude.
            #expect(abs((group.metrics.loss ?? .nan) - loss) < 1e-12 * max(1, loss))

            let folder = workspace.root.appendingPathComponent("alpha+beta/fold-\(fold)")
            let written = try JSONCoding.decoder().decode(ClassificationMetrics.self,
                                                          from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
            let ensemble = try JSONCoding.decoder().decode(EnsembleGroupRecord.self,
                                                           from: Data(contentsOf: folder.appendingPathComponent("ensemble.json")))
            #expect(written == group.metrics && ensemble == group.record)
            #expect(ensemble.classes == classes && ensemble.members.allSatisfy { $0.checkpoint == "best" })
        }
        let uars = summary.groups.map(\.metrics.uar)
        #expect(abs(summary.uar.mean - (uars[0] + uars[1]) / 2) < 1e-15)
        // Sample standard deviation of two values: |a - b| / √2.
        #expect(abs(summary.uar.std - abs(uars[0] - uars[1]) / 2.0.squareRoot()) < 1e-12)
        let table = try summary.render(format: "md")
        #expect(table.contains("| fold-0 | alpha/") && table.contains("| mean ± std (2) |"))
    }

    @Test func severalRunsOfOneExperimentInAFoldAreAveragedBeforeTheExperiments() throws {
        let workspace = try Self.workspace.get()
        let summary = try Self.evaluate(["alpha", "seeds"], in: workspace)
        #expect(summary.groups.map(\.record.group) == ["fold-0", "fold-1"])
        let corpus = try ManifestSource(.init(path: workspace.manifest)).load()
        let seeds = workspace.runs["seeds"] ?? []
        for (fold, group) in summary.groups.enumerated() {
            let alpha = try #require(workspace.runs["alpha"]?[fold])
            let twins = [seeds[2 * fold], seeds[2 * fold + 1]]
            #expect(group.record.members.map(\.experiment) == ["alpha", "seeds", "seeds"])
            #expect(Set(group.record.members.dropFirst().map(\.path)) == Set(twins.map(\.path)))
            let record = try #require(try RunRecord.read(RunDirectory(existing: alpha).record))
            let test = Set(try #require(record.split).test)
            let clips = corpus.clips.filter { test.contains(Experiment.relativePath($0, in: corpus)) }
            // alpha weighs 1/2, each seed 1/4: not the flat mean over three runs.
            let mean = try Self.meanProbabilities([[alpha], twins], clips: clips, in: workspace)
            let classes = try #require(record.classes)
            let truth = clips.map { classes.firstIndex(of: $0.label) ?? -1 }
            let loss = zip(truth, mean).map { -log($1[$0]) }.reduce(0, +) / Double(truth.count)
            #expect(abs((group.metrics.loss ?? .nan) - loss) < 1e-12 * max(1, loss))
        }
    }

    @Test func membersWithDifferentClassesAreRefused() throws {
        let workspace = try Self.workspace.get()
        #expect {
            try Self.evaluate(["alpha", "merged"], in: workspace)
        } throws: { error in
            let text = "\(error)"
            return text.contains("an ensemble needs the same classes in every run") && text.contains("merged/")
                && text.contains("has angry, calm, disgust") && text.contains("but merged/")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("alpha+merged").path),
                "nothing is written when a group's classes differ")
    }

    @Test func aGroupWithoutEveryExperimentIsAnError() throws {
        let workspace = try Self.workspace.get()
        #expect {
            try Self.evaluate(["alpha", "partial"], in: workspace)
        } throws: { error in
            let text = "\(error)"
            return text.contains("experiment 'partial' (--run partial) has no completed run tested on the split of alpha/")
                && text.contains("fold-1: ")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("alpha+partial").path),
                "nothing is written before every group is complete")
    }

    @Test func namesAreCheckedAndExperimentDirectoriesRefused() throws {
        let workspace = try Self.workspace.get()
        #expect(EnsembleEvaluator.nameProblem("a+b") == nil)
        #expect(EnsembleEvaluator.nameProblem("a++b") != nil && EnsembleEvaluator.nameProblem("../x") != nil)
        #expect {
            try Self.evaluate(["alpha"], in: workspace)
        } throws: { "\($0)".contains("holds the runs of experiment 'alpha'; give the ensemble another name with --name") }
    }
}
