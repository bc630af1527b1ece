import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for fetch tests: serves one body at `/archive.zip` with `Range`
/// support, answers 404 elsewhere, and can cut the connection after a number of body bytes.
final class LoopbackHTTPServer: @unchecked Sendable {
    private let lock = NSLock()
    private let listener: Int32
    private var body: [UInt8]
    private var cutAfter: Int?
    private var requests: [String] = []
    private var running = true
    private let finished = DispatchSemaphore(value: 0)
    /// The port the server listens on.
    let port: UInt16

    /// Starts listening on an ephemeral loopback port.
    init(body: [UInt8]) throws {
        self.body = body
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 8) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: actual.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// The URL of the archive.
    var url: URL { URL(string: "http://127.0.0.1:\(port)/archive.zip")! }

    /// Cuts the next response after `bytes` body bytes (once).
    func cutNextResponse(after bytes: Int) {
        lock.lock(); cutAfter = bytes; lock.unlock()
    }

    /// Replaces the body served from now on.
    func setBody(_ bytes: [UInt8]) {
        lock.lock(); body = bytes; lock.unlock()
    }

    /// The request heads received so far (request line and headers).
    var receivedRequests: [String] {
        lock.lock(); defer { lock.unlock() }
        return requests
    }

    /// Stops accepting connections and waits for the accept loop to end.
    func stop() {
        lock.lock(); running = false; lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        finished.wait()
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                lock.lock(); let keepGoing = running; lock.unlock()
                if keepGoing { continue } else { return }
            }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var head = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            let count = recv(connection, &buffer, 1, 0)
            if count <= 0 { return }
            head.append(buffer[0])
        }
        let text = String(decoding: head, as: UTF8.self)
        lock.lock()
        requests.append(text)
        let body = self.body
        let cut = cutAfter
        cutAfter = nil
        lock.unlock()
        let requestLine = text.split(separator: "\r\n").first ?? ""
        guard requestLine.hasPrefix("GET /archive.zip ") else {
            send(connection, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        var start = 0
        var status = "200 OK"
        var extra = ""
        if let range = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("range: bytes=") }) {
            start = Int(range.dropFirst("range: bytes=".count).split(separator: "-").first ?? "") ?? 0
            guard start < body.count else {
                send(connection, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */\(body.count)\r\n" +
                     "Content-Length: 0\r\nConnection: close\r\n\r\n")
                return
            }
            status = "206 Partial Content"
            extra = "Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\n"
        }
        let slice = Array(body[min(start, body.count)...])
        send(connection, "HTTP/1.1 \(status)\r\nContent-Type: application/zip\r\nContent-Length: \(slice.count)\r\n" +
             "Accept-Ranges: bytes\r\n\(extra)Connection: close\r\n\r\n")
        let toSend = cut.map { Array(slice.prefix($0)) } ?? slice
        var offset = 0
        while offset < toSend.count {
            let sent = toSend[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    private func send(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
