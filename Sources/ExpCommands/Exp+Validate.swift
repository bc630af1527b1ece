import ArgumentParser
import EmotionCorpus
import ExperimentKit
import Foundation

extension Exp {
    /// `exp validate SPEC... [override...]`: strict validation of every spec, all errors at once.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate experiment specs and print their resolved form.",
            discussion: """
                Arguments containing '=' (or starting with '+' or '~') are overrides in Hydra's grammar, applied to \
                every spec: optimizer.learning_rate=3e-4, model.layers[4].units=128, +training.grad_clip_norm=5, \
                ~schedule. Every error of a spec is reported; the exit status is non-zero if any spec is invalid.
                """
        )

        @Argument(help: "Spec files, then overrides (key=value, +key=value, ++key=value, ~key).")
        var arguments: [String] = []

        @Option(help: "Class count used for 'units: classes' in the shape check (a run counts the classes of its data; the resolved spec keeps 'classes').")
        var classes: Int = Emotion.allCases.count

        var specs: [String] { arguments.filter { !Override.looksLikeOverride($0) } }
        var overrideTexts: [String] { arguments.filter(Override.looksLikeOverride) }

        func validate() throws {
            guard !specs.isEmpty else { throw ValidationError("Please provide at least one spec file.") }
            guard classes > 0 else { throw ValidationError("--classes must be > 0. Received: \(classes)") }
        }

        func run() throws {
            let overrides: [Override]
            do {
                overrides = try Override.parse(overrideTexts)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.validationFailure
            }
            var failed = 0
            for file in specs {
                do {
                    let registries = RegistryScope.current
                    let spec = try ExperimentSpec.load(file: file, overrides: overrides, registries: registries,
                                                       classCount: classes)
                    let model = try spec.buildModel(registries: registries, inputShape: spec.inputShape(registries: registries))
                    let evaluate = spec.evaluate.isEmpty ? "" : "\nevaluate   "
                        + spec.evaluate.map { "\($0.corpus.type)" + ($0.name.map { " as \($0)" } ?? "") }.joined(separator: ", ")
                    print("\(file): valid\n\(spec.resolved.summary)\(evaluate)\n\n\(model.summary())\n")
                } catch let errors as SpecErrors {
                    failed += 1
                    let count = errors.errors.count
                    FileHandle.standardError.write(Data("\(errors)\n\(file): \(count) error\(count == 1 ? "" : "s")\n\n".utf8))
                }
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
