/// The eight RAVDESS emotion classes, in the order of their file-name codes 01–08.
public enum Emotion: String, Sendable, Hashable, Codable, CaseIterable {
    case neutral, calm, happy, sad, angry, fearful, disgust, surprised

    /// The two-digit RAVDESS code (`01` neutral … `08` surprised) as an integer.
    public var ravdessCode: Int {
        switch self {
        case .neutral: return 1
        case .calm: return 2
        case .happy: return 3
        case .sad: return 4
        case .angry: return 5
        case .fearful: return 6
        case .disgust: return 7
        case .surprised: return 8
        }
    }

    /// The emotion for a RAVDESS code 1…8, or `nil` outside that range.
    public init?(ravdessCode: Int) {
        guard (1...8).contains(ravdessCode) else { return nil }
        self = Emotion.allCases[ravdessCode - 1]
    }
}
