import Foundation

/// Locates golden data written by the generator scripts under `Tests/Reference/`.
public enum ReferenceData {
    /// `Tests/Reference/Data` in this checkout, found from this file's own path so tests need no bundle resources.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Tests/Reference/Data")

    /// The URL of `relativePath` under `Tests/Reference/Data`.
    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// Decodes the JSON file at `relativePath` under `Tests/Reference/Data`.
    public static func load<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(relativePath)))
    }
}
