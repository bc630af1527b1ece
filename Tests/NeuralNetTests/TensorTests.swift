import NeuralNet
import Testing

@Suite struct TensorTests {
    @Test func reshapeKeepsRowMajorOrder() {
        let t = Tensor(shape: [2, 3], storage: [0, 1, 2, 3, 4, 5])
        let r = t.reshaped([3, 2])
        #expect(r.shape == [3, 2])
        #expect(r.storage == t.storage)
        #expect(Tensor.zeros([2, 0, 4]).count == 0)
    }
}
