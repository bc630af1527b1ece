import ArgumentParser

/// The root command: it only lists the subcommands, each an extension in its own file.
struct Exp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exp",
        abstract: "Speech emotion recognition experiments: features, training, sweeps and comparison.",
        discussion: "Start with README.md (a five-minute tour). Reference pages: docs/specs.md (every spec key and "
            + "default), docs/training.md, docs/sweeps.md, docs/compare.md, docs/corpora.md, docs/cross-corpus.md, "
            + "docs/ensembles.md, docs/features.md, docs/plugins.md.",
        version: "0.1.0",
        subcommands: [
            Validate.self,
            Components.self,
            Features.self,
            DataCommand.self,
            Bench.self,
            Run.self,
            Evaluate.self,
            Show.self,
            Predict.self,
            Ensemble.self,
            Sweep.self,
            Compare.self,
            Diff.self,
            Report.self,
            Export.self,
            Env.self,
        ]
    )
}
