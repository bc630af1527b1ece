import EmotionCorpus

/// SHA-256 for run ids and sweep config hashes, using the corpus module's implementation (one SHA-256 in the package).
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hash = ContentHash()
        hash.update(bytes)
        return hash.finalize()
    }

    /// The digest of `text`'s UTF-8 bytes as 64 lowercase hex digits.
    public static func hex(_ text: String) -> String { ContentHash.hex(of: text) }
}
