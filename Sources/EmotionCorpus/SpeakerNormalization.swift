import AudioFeatures

/// Per-speaker feature standardisation: each clip's `[T, C]` features are standardised with the mean and
/// deviation of every frame of its own speaker's clips (`NormalizationStats.fit` over that speaker).
///
/// ```
/// y[t, c] = (x[t, c] − mean_s[c]) / max(std_s[c], epsilon)      s = speaker of the clip
/// ```
///
/// Labels are never used, so it applies on every side of a split alike (the test speakers' statistics come
/// from their own unlabelled clips, as at deployment, where a speaker's recordings are gathered first). It
/// removes much of the between-speaker variation (vocal tract, recording level and channel) that speaker-
/// independent emotion recognition otherwise has to learn to ignore; see e.g. Busso, Mariooryad, Metallinou &
/// Narayanan (2013), "Iterative feature normalization scheme for automatic emotion detection from speech",
/// IEEE Trans. Affective Computing 4(4).
public enum SpeakerNormalization {
    /// The statistics of each speaker, fit on all of its clips; `speakers[i]` is the speaker of `features[i]`.
    /// - Throws: `CorpusError.invalidSplit` (split `speaker_normalization`) when a clip has no speaker or a
    ///   speaker has no frame.
    public static func fit(_ features: [FeatureMatrix], speakers: [String?], paths: [String] = [],
                           epsilon: Double = 1e-8) throws -> [String: NormalizationStats] {
        precondition(features.count == speakers.count,
                     "SpeakerNormalization.fit: \(features.count) feature matrices but \(speakers.count) speakers")
        var groups: [String: [FeatureMatrix]] = [:]
        for (index, speaker) in speakers.enumerated() {
            guard let speaker else {
                let name = paths.indices.contains(index) ? paths[index] : "#\(index)"
                throw CorpusError.invalidSplit(split: "speaker_normalization", reason:
                    "clip \(name) has no speaker; per-speaker normalisation needs a speaker for every clip")
            }
            groups[speaker, default: []].append(features[index])
        }
        var statistics: [String: NormalizationStats] = [:]
        for (speaker, matrices) in groups {
            do {
                statistics[speaker] = try NormalizationStats.fit(matrices, epsilon: epsilon)
            } catch {
                throw CorpusError.invalidSplit(split: "speaker_normalization", reason:
                    "speaker \(speaker) has no feature frames")
            }
        }
        return statistics
    }

    /// The statistics of the speaker of each clip (`result[i]` for `features[i]`), fit as `fit` does.
    /// - Throws: as `fit`.
    public static func perClip(_ features: [FeatureMatrix], speakers: [String?],
                               paths: [String] = []) throws -> [NormalizationStats] {
        let statistics = try fit(features, speakers: speakers, paths: paths)
        // `fit` has thrown unless every clip has a speaker with statistics.
        return speakers.compactMap { speaker in speaker.flatMap { statistics[$0] } }
    }

    /// `features[i]` standardised with the statistics of `speakers[i]` (fit here on all of `features`).
    /// - Throws: as `fit`.
    public static func apply(_ features: [FeatureMatrix], speakers: [String?],
                             paths: [String] = []) throws -> [FeatureMatrix] {
        let statistics = try perClip(features, speakers: speakers, paths: paths)
        return zip(features, statistics).map { $1.apply($0) }
    }
}
