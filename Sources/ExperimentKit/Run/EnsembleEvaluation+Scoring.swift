import EmotionCorpus
import Foundation

extension EnsembleEvaluator {
    /// Scores one group: the first member's corpus restricted to the test clips, every member's probabilities,
    /// their mean per reference and then over references; writes `ensemble.json` and `metrics.json` atomically.
    static func score(_ members: [Candidate], references: [String], key: String, name: String, runsRoot: URL,
                      registries: Registries, checkpoint: CheckpointKind?, featureCache: FeatureCache?) throws -> EnsembleGroupResult {
        let first = members[0]
        let label = "\(first.record.name)/\(first.directory.lastPathComponent)"
        let corpus = try SpecComponents(spec: first.spec, registries: registries,
                                        classCount: Emotion.allCases.count).makeCorpus()
        var position: [String: Int] = [:]
        for index in corpus.clips.indices where position[Experiment.relativePath(corpus.clips[index], in: corpus)] == nil {
            position[Experiment.relativePath(corpus.clips[index], in: corpus)] = index
        }
        let test = try first.test.map { path -> Int in
            guard let index = position[path] else {
                throw RunError.invalid("test clip \(path) of \(label) is not in its corpus at \(corpus.root) any more "
                                       + "(or no longer has a kept class)")
            }
            return index
        }
        // Training standardised a clip with every clip of its speaker, whatever side of the split: scoring the
        // test speakers' clips among all of theirs keeps those statistics (for speaker folds, the test clips).
        let speakers = Set(test.map { corpus.clips[$0].speaker })
        let context = corpus.clips.indices.filter { speakers.contains(corpus.clips[$0].speaker) }
        let contextPosition = Dictionary(uniqueKeysWithValues: context.enumerated().map { ($1, $0) })
        let contextClips = context.map { corpus.clips[$0] }
        let scored = test.map { contextPosition[$0] ?? 0 }

        var classes: [String]?
        var sums: [Int: (total: [[Double]], count: Int)] = [:]
        var records: [EnsembleMember] = []
        for member in members {
            let directory = RunDirectory(existing: member.directory)
            let averaged = FileManager.default.fileExists(atPath: directory.checkpoint(.average).path)
            let kind = checkpoint ?? (averaged ? .average : .best)
            let predictor = try Predictor(run: member.directory, checkpoint: kind,
                                          components: SpecComponents(spec: member.spec, registries: registries,
                                                                     classCount: Emotion.allCases.count),
                                          featureCache: featureCache)
            if let classes, predictor.classNames != classes {
                throw RunError.invalid("an ensemble needs the same classes in every run: \(label) has "
                    + "\(classes.joined(separator: ", ")) but \(member.record.name)/\(member.directory.lastPathComponent) "
                    + "has \(predictor.classNames.joined(separator: ", "))")
            }
            classes = predictor.classNames
            let probabilities = try predictor.probabilities(of: contextClips, scoring: scored)
            var entry = sums[member.reference] ?? (probabilities.map { $0.map { _ in 0 } }, 0)
            for row in probabilities.indices {
                for k in probabilities[row].indices { entry.total[row][k] += probabilities[row][k] }
            }
            entry.count += 1
            sums[member.reference] = entry
            records.append(EnsembleMember(reference: references[member.reference], experiment: member.record.name, runID: member.record.id,
                                          path: member.directory.path, checkpoint: kind.rawValue))
        }
        let names = classes ?? []
        // Each reference's runs (seeds) are averaged first, so a reference with more runs does not outweigh another.
        let perReference = sums.keys.sorted().compactMap { sums[$0] }.map { entry in
            entry.total.map { row in row.map { $0 / Double(entry.count) } }
        }
        let mean = perReference.dropFirst().reduce(into: perReference[0]) { sum, next in
            for row in sum.indices { for k in sum[row].indices { sum[row][k] += next[row][k] } }
        }.map { row in row.map { $0 / Double(perReference.count) } }

        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let truth = try test.map { clip -> Int in
            guard let k = index[corpus.clips[clip].label] else {
                throw RunError.invalid("test clip \(corpus.clips[clip].path) has class '\(corpus.clips[clip].label)', "
                                       + "which the models lack (\(names.joined(separator: ", ")))")
            }
            return k
        }
        let metrics = ClassificationMetrics(truth: truth, probabilities: mean, classNames: names)
        let folds = Set(members.map(\.fold))
        let record = EnsembleGroupRecord(
            name: name, group: key, fold: folds.count == 1 ? folds.first ?? nil : nil, classes: names,
            testClips: test.count, corpusRoot: corpus.root, combination: EnsembleGroupRecord.meanOfMeans,
            members: records)
        let folder = try RunDirectory.create(root: runsRoot, name: name, runID: key).url
        try AtomicFile.writeJSON(record, to: folder.appendingPathComponent("ensemble.json"))
        // metrics.json last: its presence marks a finished group.
        try AtomicFile.writeJSON(metrics, to: folder.appendingPathComponent("metrics.json"))
        return EnsembleGroupResult(record: record, metrics: metrics, directory: folder)
    }
}
