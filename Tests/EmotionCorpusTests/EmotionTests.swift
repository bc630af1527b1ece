import EmotionCorpus
import Testing

@Suite struct EmotionTests {
    @Test func codesRoundTripInRavdessOrder() {
        #expect(Emotion(ravdessCode: 1) == .neutral)
        #expect(Emotion(ravdessCode: 8) == .surprised)
        #expect(Emotion(ravdessCode: 0) == nil && Emotion(ravdessCode: 9) == nil)
        #expect(Emotion.allCases.map(\.ravdessCode) == Array(1...8))
    }
}
