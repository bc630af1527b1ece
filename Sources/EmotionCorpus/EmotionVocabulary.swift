/// The one emotion vocabulary every corpus reader maps its own codes onto, in canonical class order.
///
/// The first eight labels are RAVDESS's (`Emotion`, in code order); corpora with other categories append theirs
/// (EmoDB's boredom). A reader's `classes` are the vocabulary labels it has, in this order, so corpora read by
/// different readers agree on names and, after `Corpus.combined`, on order.
///
/// | label | RAVDESS | CREMA-D | EmoDB | SAVEE | TESS | EMOVO |
/// |---|---|---|---|---|---|---|
/// | neutral | 01 | NEU | N | n | neutral | neu |
/// | calm | 02 | | | | | |
/// | happy | 03 | HAP | F | h | happy | gio |
/// | sad | 04 | SAD | T | sa | sad | tri |
/// | angry | 05 | ANG | W | a | angry | rab |
/// | fearful | 06 | FEA | A | f | fear | pau |
/// | disgust | 07 | DIS | E | d | disgust | dis |
/// | surprised | 08 | | | su | ps | sor |
/// | boredom | | | L | | | |
public enum EmotionVocabulary {
    /// Every label of the vocabulary, in canonical order.
    public static let labels: [String] = Emotion.allCases.map(\.rawValue) + ["boredom"]

    /// Orders `labels`: vocabulary labels in canonical order first, then any others (user renamings) sorted.
    public static func ordered<S: Sequence>(_ labels: S) -> [String] where S.Element == String {
        let present = Set(labels)
        let known = EmotionVocabulary.labels.filter(present.contains)
        return known + present.subtracting(known).sorted()
    }
}
