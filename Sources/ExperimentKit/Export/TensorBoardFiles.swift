import Foundation

/// One TensorBoard event file per run in `<run>/tensorboard/`, so `tensorboard --logdir runs` shows the curves.
///
/// Steps are epochs; wall times are the run's creation time plus the summed epoch durations. The test metrics are
/// logged at the last epoch. The file name (`events.out.tfevents.<created>.exp`) is fixed per run, so rewriting
/// after each epoch replaces the file instead of adding another.
public enum TensorBoardFiles {
    /// The directory inside the run.
    public static let directoryName = "tensorboard"

    /// The event file of `record`.
    public static func fileURL(in run: URL, record: RunRecord) -> URL {
        let created = Int64(record.timings.created.timeIntervalSince1970)
        return run.appendingPathComponent("\(directoryName)/events.out.tfevents.\(created).exp")
    }

    /// The file contents: the file-version event, one event per epoch, and the test scalars.
    public static func events(_ artifacts: RunArtifacts) -> Data {
        let start = artifacts.record.timings.created.timeIntervalSince1970
        var data = TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: start))
        var wallTime = start
        for epoch in artifacts.history {
            wallTime += epoch.seconds
            let values = RunArtifacts.scalars(epoch).map { (tag: $0.tag, value: Float($0.value)) }
            data.append(TFRecord.frame(TensorBoardEvent.scalars(wallTime: wallTime, step: Int64(epoch.epoch),
                                                                 values: values)))
        }
        let test = artifacts.testScalars
        if !test.isEmpty {
            let step = Int64(artifacts.history.last?.epoch ?? artifacts.record.epochsCompleted)
            data.append(TFRecord.frame(TensorBoardEvent.scalars(
                wallTime: wallTime, step: step, values: test.map { (tag: $0.tag, value: Float($0.value)) })))
        }
        return data
    }

    /// (Re)writes the run's event file atomically and returns its URL.
    /// - Throws: `RunError.writeFailed`.
    @discardableResult
    public static func write(_ artifacts: RunArtifacts, in run: URL) throws -> URL {
        let url = fileURL(in: run, record: artifacts.record)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: nil,
                                                orThrow: directory)
        try AtomicFile.write(events(artifacts), to: url)
        return url
    }
}
