import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads a URL into a `.part` file, resuming from the bytes already there with an HTTP `Range` request.
///
/// Bytes are appended to the part file as they arrive, so an interrupted transfer keeps what it received and the
/// next attempt asks for `Range: bytes=<size>-`. A `206 Partial Content` reply is appended; a `200 OK` reply
/// (a server that ignores ranges) restarts the file from zero. The part file is renamed to the destination only
/// once complete.
struct ResumableDownload {
    let url: URL
    let destination: String
    /// Called with (bytes on disk, total bytes when known) as data arrives.
    let progress: (@Sendable (Int64, Int64?) -> Void)?

    var partPath: String { destination + ".part" }

    /// Runs up to `attempts` transfers, each resuming the previous one.
    /// - Throws: `CorpusError.fetch` naming the URL and the HTTP status or transport error of the last attempt.
    func run(attempts: Int) async throws {
        precondition(attempts > 0, "ResumableDownload.run needs at least one attempt, got \(attempts)")
        var lastError: Error = CorpusError.fetch(reason: "no attempt made")
        for _ in 0..<attempts {
            do {
                try await transfer()
                guard rename(partPath, destination) == 0 else {
                    throw CorpusError.fetch(reason: "cannot move \(partPath) to \(destination): " +
                                            String(cString: strerror(errno)))
                }
                return
            } catch let error as CorpusError {
                if case .fetch(let reason) = error, reason.hasPrefix("HTTP") { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private func transfer() async throws {
        let existing = (try? FileManager.default.attributesOfItem(atPath: partPath)[.size] as? Int64) ?? 0
        if existing == 0 { _ = FileManager.default.createFile(atPath: partPath, contents: nil) }
        guard let handle = FileHandle(forUpdatingAtPath: partPath) else {
            throw CorpusError.fetch(reason: "cannot write \(partPath)")
        }
        defer { try? handle.close() }
        var request = URLRequest(url: url)
        if existing > 0 { request.setValue("bytes=\(existing)-", forHTTPHeaderField: "Range") }
        let delegate = DownloadDelegate(handle: handle, existing: existing, url: url, progress: progress)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            delegate.start(session.dataTask(with: request), continuation: continuation)
        }
    }
}

/// Streams a data task into the part file; all state is guarded by `lock` (URLSession calls from its queue).
private final class DownloadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let url: URL
    private let progress: (@Sendable (Int64, Int64?) -> Void)?
    private var written: Int64
    private var total: Int64?
    private var failure: CorpusError?
    private var alreadyComplete = false
    private var continuation: CheckedContinuation<Void, Error>?

    init(handle: FileHandle, existing: Int64, url: URL, progress: (@Sendable (Int64, Int64?) -> Void)?) {
        self.handle = handle
        self.written = existing
        self.url = url
        self.progress = progress
    }

    func start(_ task: URLSessionDataTask, continuation: CheckedContinuation<Void, Error>) {
        lock.lock()
        self.continuation = continuation
        lock.unlock()
        task.resume()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let length = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        do {
            switch status {
            case 206:
                try handle.seek(toOffset: UInt64(written))
                total = length.map { $0 + written }
            case 416 where written > 0:
                // Nothing left to send: the part file already holds the whole body (verification follows).
                alreadyComplete = true
                completionHandler(.cancel)
                return
            case 200:
                // The server ignored the range: start over.
                try handle.truncate(atOffset: 0)
                written = 0
                total = length
            default:
                failure = .fetch(reason: "HTTP \(status) from \(url.absoluteString)" +
                                 (status == 404 ? " (not found; check --url)" : ""))
                completionHandler(.cancel)
                return
            }
        } catch {
            failure = .fetch(reason: "cannot write the download: \(error.localizedDescription)")
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            try handle.write(contentsOf: data)
            written += Int64(data.count)
        } catch {
            failure = .fetch(reason: "cannot write the download: \(error.localizedDescription)")
            dataTask.cancel()
            return
        }
        progress?(written, total)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        var outcome = failure
        if outcome == nil, !alreadyComplete {
            if let error {
                outcome = .fetch(reason: "download of \(url.absoluteString) interrupted after \(written) bytes " +
                                 "(\(error.localizedDescription)); run again to resume")
            } else if let total, written != total {
                outcome = .fetch(reason: "download of \(url.absoluteString) ended at \(written) of \(total) bytes; " +
                                 "run again to resume")
            }
        }
        lock.unlock()
        try? handle.synchronize()
        if let outcome { continuation?.resume(throwing: outcome) } else { continuation?.resume() }
    }
}
