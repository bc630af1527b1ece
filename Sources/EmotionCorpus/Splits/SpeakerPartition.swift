/// Seeded, gender-balanced orderings of speakers shared by the speaker splits.
enum SpeakerPartition {
    /// The corpus speakers, each with its gender group (male, female, unknown), or an error when there are none.
    static func speakers(of corpus: Corpus, split: String) throws -> [String] {
        let speakers = corpus.speakers
        guard !speakers.isEmpty else {
            throw CorpusError.invalidSplit(split: split, reason:
                "corpus '\(corpus.name)' has no speaker information; use a manifest with a 'speaker' column, or a " +
                "random split")
        }
        if let clip = corpus.clips.first(where: { $0.speaker == nil }) {
            throw CorpusError.invalidSplit(split: split, reason: "clip \(clip.path) has no speaker")
        }
        return speakers
    }

    /// The corpus speaker that `listed` names: the same id, or for digits only the one numeric id with the same
    /// number ('5' names '05'), since RAVDESS writes actors with two digits while YAML reads `[5, 6]` as numbers.
    static func match(_ listed: String, in speakers: [String]) -> String? {
        if speakers.contains(listed) { return listed }
        func isDigits(_ id: String) -> Bool { !id.isEmpty && id.allSatisfy { $0.isASCII && $0.isNumber } }
        guard isDigits(listed), let number = Int(listed) else { return nil }
        let same = speakers.filter { isDigits($0) && Int($0) == number }
        return same.count == 1 ? same[0] : nil
    }

    /// Speakers split into male, female and unknown-gender groups (sorted), each shuffled with `random`.
    static func shuffledGroups(_ speakers: [String], corpus: Corpus, random: inout CorpusRandom,
                               balanceGender: Bool) -> [[String]] {
        guard balanceGender else {
            var all = speakers
            random.shuffle(&all)
            return [all]
        }
        let genders = corpus.speakerGenders
        var groups = [speakers.filter { genders[$0] == .male }, speakers.filter { genders[$0] == .female },
                      speakers.filter { genders[$0] == nil }]
        for index in groups.indices { random.shuffle(&groups[index]) }
        return groups.filter { !$0.isEmpty }
    }

    /// An order in which every prefix is as gender-balanced as the groups allow: the groups are interleaved
    /// round-robin, starting from a seeded group, and a group that runs out is simply passed over.
    static func interleaved(_ speakers: [String], corpus: Corpus, seed: Int, balanceGender: Bool) -> [String] {
        var random = CorpusRandom(seed: seed, 0x5350_4b52)
        let groups = shuffledGroups(speakers, corpus: corpus, random: &random, balanceGender: balanceGender)
        guard groups.count > 1 else { return groups.first ?? [] }
        let start = random.index(below: groups.count)
        var order: [String] = []
        var cursor = Array(repeating: 0, count: groups.count)
        var group = start
        while order.count < speakers.count {
            if cursor[group] < groups[group].count {
                order.append(groups[group][cursor[group]])
                cursor[group] += 1
            }
            group = (group + 1) % groups.count
        }
        return order
    }

    /// Deals speakers into `k` folds: each gender group in turn, round-robin, continuing from the fold where the
    /// previous group stopped, so fold sizes differ by at most one and so do each gender's counts per fold.
    static func folds(_ speakers: [String], corpus: Corpus, k: Int, seed: Int, balanceGender: Bool) -> [[String]] {
        var random = CorpusRandom(seed: seed, 0x4b46_4f4c)
        let groups = shuffledGroups(speakers, corpus: corpus, random: &random, balanceGender: balanceGender)
        var folds = Array(repeating: [String](), count: k)
        var position = 0
        for speaker in groups.joined() {
            folds[position % k].append(speaker)
            position += 1
        }
        return folds
    }

    /// Rounds `fraction × count` to a count, at least one when the fraction is positive.
    static func count(_ fraction: Double, of total: Int) -> Int {
        guard fraction > 0 else { return 0 }
        return max(1, Int((fraction * Double(total)).rounded()))
    }

    /// Throws unless `value` is in `[0, 1)`, in the keras style of naming the key and the received value.
    static func checkFraction(_ value: Double, key: String, split: String) throws {
        guard value >= 0, value < 1 else {
            throw CorpusError.invalidSplit(split: split, reason:
                "\(key) must be in [0, 1). Received: \(key)=\(value)")
        }
    }

    /// The side of each clip from the side of its speaker (clips of unlisted speakers go to train).
    static func sides(for corpus: Corpus, test: Set<String>, validation: Set<String>) -> [SplitSide] {
        corpus.clips.map { clip in
            guard let speaker = clip.speaker else { return .train }
            if test.contains(speaker) { return .test }
            if validation.contains(speaker) { return .validation }
            return .train
        }
    }
}
