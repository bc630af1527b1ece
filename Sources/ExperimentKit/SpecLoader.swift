import Foundation
import Yams

/// Reads spec files into `SpecNode` trees: rejects tab indentation, duplicate keys, alias bombs and deep nesting,
/// and composes `extends:` chains (the child overrides the parent, mappings merge, lists replace).
public struct SpecLoader: Sendable {
    /// Most nodes one file may expand to, counting every alias expansion (a "billion laughs" guard).
    public var maxNodes: Int
    /// Deepest nesting of mappings and lists accepted.
    public var maxDepth: Int
    /// Largest spec file accepted, in bytes.
    public var maxBytes: Int
    /// Most files one `extends` chain may hold, the spec itself included.
    public var maxExtendsDepth = 16

    /// Creates a loader with limits far above any real spec (10,000 nodes, depth 32, 1 MiB).
    public init(maxNodes: Int = 10_000, maxDepth: Int = 32, maxBytes: Int = 1 << 20) {
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// Loads `path` and every file it `extends`, merged into one tree (the `extends` key removed).
    ///
    /// - Throws: `SpecErrors` for unreadable files, YAML problems and `extends` cycles.
    public func load(file path: String) throws -> SpecNode {
        try load(file: path, chain: [], referencedAt: nil)
    }

    /// Parses one YAML document; `file` names it in locations. `extends` is left in place.
    ///
    /// - Throws: `SpecErrors` listing every tab-indented line, or the first YAML syntax error.
    public func parse(_ text: String, file: String) throws -> SpecNode {
        guard text.utf8.count <= maxBytes else {
            throw SpecErrors([.syntax(SourceLocation(file: file, line: 1, column: 1),
                                      message: "spec is \(text.utf8.count) bytes; specs are limited to \(maxBytes)")])
        }
        try rejectTabIndentation(text, file: file)
        try SpecKeyScreen.check(text, file: file)
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SpecErrors([Self.specError(from: error, file: file, text: text)])
        }
        guard let composed else {
            throw SpecErrors([.syntax(SourceLocation(file: file, line: 1, column: 1), message: "spec is empty")])
        }
        var budget = maxNodes
        return try convert(composed, file: file, depth: 1, budget: &budget)
    }

    private func load(file path: String, chain: [String], referencedAt: SourceLocation?) throws -> SpecNode {
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        if chain.contains(canonical), let referencedAt {
            let names = (chain + [canonical]).map { URL(fileURLWithPath: $0).lastPathComponent }
            throw SpecErrors([.extendsCycle(referencedAt, chain: names)])
        }
        if chain.count >= maxExtendsDepth, let referencedAt {
            throw SpecErrors([.invalidValue(referencedAt, path: "extends", message: "extends chain longer than "
                + "\(maxExtendsDepth) files; specs are limited to \(maxExtendsDepth)")])
        }
        let text: String
        do {
            text = try readText(path)
        } catch let reason as UnreadableSpec {
            if let referencedAt {
                throw SpecErrors([.invalidValue(referencedAt, path: "extends", message: "cannot read '\(path)': \(reason.text)")])
            }
            throw SpecErrors([.unreadable(file: path, reason: reason.text)])
        }
        let node = try parse(text, file: path)
        guard var entries = node.entries else {
            throw SpecErrors([.typeMismatch(node.location, path: "(root)", expected: "a mapping of sections", got: node.described)])
        }
        guard let index = entries.firstIndex(where: { $0.key == "extends" }) else { return node }
        let reference = entries.remove(at: index).value
        guard case .scalar(let parentName, _) = reference.content, !reference.isNull, !parentName.isEmpty else {
            throw SpecErrors([.typeMismatch(reference.location, path: "extends", expected: "a file path", got: reference.described)])
        }
        let parentPath = parentName.hasPrefix("/")
            ? parentName
            : Self.joined(directory: (path as NSString).deletingLastPathComponent, parentName)
        let parent = try load(file: parentPath, chain: chain + [canonical], referencedAt: reference.location)
        return Self.merge(parent, SpecNode(.mapping(entries), at: node.location))
    }

    private struct UnreadableSpec: Error { let text: String }

    /// The file's text, refusing non-regular files (a FIFO would block) and files over `maxBytes` before reading
    /// them whole.
    private func readText(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw UnreadableSpec(text: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw UnreadableSpec(text: "not a regular file") }
        guard info.st_size <= maxBytes else {
            throw UnreadableSpec(text: "the file is \(info.st_size) bytes; specs are limited to \(maxBytes)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw UnreadableSpec(text: "permission denied") }
        defer { try? handle.close() }
        // One byte past the limit tells a file that grew since `stat` from one at the limit.
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        guard data.count <= maxBytes else {
            throw UnreadableSpec(text: "the file is over \(maxBytes) bytes; specs are limited to \(maxBytes)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw UnreadableSpec(text: "not readable as UTF-8 text") }
        return text
    }

    /// Merges `child` over `base`: mappings merge key by key (recursively), anything else in the child replaces.
    public static func merge(_ base: SpecNode, _ child: SpecNode) -> SpecNode {
        guard var merged = base.entries, let overrides = child.entries else { return child }
        for entry in overrides {
            if let index = merged.firstIndex(where: { $0.key == entry.key }) {
                merged[index].value = merge(merged[index].value, entry.value)
            } else {
                merged.append(entry)
            }
        }
        return SpecNode(.mapping(merged), at: child.location)
    }

    /// `directory/name` with `.` and `dir/..` removed lexically, so messages show `configs/base.yaml`.
    static func joined(directory: String, _ name: String) -> String {
        let joined = directory.isEmpty ? name : "\(directory)/\(name)"
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return (joined.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    private func rejectTabIndentation(_ text: String, file: String) throws {
        var errors: [SpecError] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            guard let tab = indentation.firstIndex(of: "\t") else { continue }
            let column = line.distance(from: line.startIndex, to: tab) + 1
            errors.append(.syntax(SourceLocation(file: file, line: number + 1, column: column),
                                  message: "tab character in indentation; YAML indents with spaces only"))
        }
        if !errors.isEmpty { throw SpecErrors(errors) }
    }

    private func convert(_ node: Node, file: String, depth: Int, budget: inout Int) throws -> SpecNode {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        budget -= 1
        guard budget >= 0 else {
            throw SpecErrors([.syntax(location, message: "spec expands to more than \(maxNodes) values "
                + "(aliases of anchors are counted at each use); specs are limited to \(maxNodes)")])
        }
        guard depth <= maxDepth else {
            throw SpecErrors([.syntax(location, message: "nesting deeper than \(maxDepth) levels; specs are limited to \(maxDepth)")])
        }
        switch node {
        case .scalar(let scalar):
            return SpecNode(.scalar(scalar.string, isString: scalar.tag.rawValue == Tag.Name.str.rawValue), at: location)
        case .sequence(let sequence):
            let items = try sequence.map { try convert($0, file: file, depth: depth + 1, budget: &budget) }
            return SpecNode(.sequence(items), at: location)
        case .mapping(let mapping):
            var entries: [SpecNode.Entry] = []
            var keys: [String: Int] = [:]
            for (key, value) in mapping {
                let keyLocation = SourceLocation(file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1)
                guard case .scalar(let scalar) = key else {
                    throw SpecErrors([.syntax(keyLocation, message: "mapping keys must be plain names, got a \(key.isMapping ? "mapping" : "list")")])
                }
                // Yams compares keys with their tags, so `1:` and `'1':` both pass it; as spec keys they are one.
                if let first = keys[scalar.string] {
                    throw SpecErrors([.syntax(keyLocation, message: "duplicate key '\(scalar.string)' (first at line "
                        + "\(first)); each key may appear only once in a mapping")])
                }
                keys[scalar.string] = keyLocation.line
                let converted = try convert(value, file: file, depth: depth + 1, budget: &budget)
                entries.append(SpecNode.Entry(key: scalar.string, keyLocation: keyLocation, value: converted))
            }
            return SpecNode(.mapping(entries), at: location)
        case .alias:
            throw SpecErrors([.syntax(location, message: "unresolved alias")])
        }
    }

    static func specError(from error: YamlError, file: String, text: String) -> SpecError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) at \($0.mark.line):\($0.mark.column): " } ?? ""
            return .syntax(at(mark), message: "invalid YAML: \(prefix)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            // Yams marks the first occurrence; point at the repeat when the mapping is in block style.
            if duplicates.count == 1, let repeated = repeatedKey(duplicates[0], after: context.mark, in: text) {
                return .syntax(SourceLocation(file: file, line: repeated.line, column: repeated.column), message: "duplicate key \(keys) (first at line \(context.mark.line)); "
                    + "each key may appear only once in a mapping")
            }
            return .syntax(at(context.mark), message: "duplicate key \(keys) in one mapping; each key may appear only once")
        case .reader(let problem, let offset, let value, _):
            // libyaml reports the byte offset; count lines and scalars up to it.
            let prefix = text.utf8.prefix(offset ?? 0)
            let line = prefix.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.index(after: $0) } ?? prefix.startIndex
            let column = prefix[lineStart...].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            return .syntax(SourceLocation(file: file, line: line, column: column), message: "invalid YAML: \(problem)\(character)")
        default:
            let firstLine = "\(error)".split(separator: "\n").first.map(String.init) ?? ""
            return .syntax(SourceLocation(file: file, line: 1, column: 1), message: "invalid YAML: \(firstLine)")
        }
    }
}

/// The next line after `first` that starts the same key at the same column of the same block mapping.
private func repeatedKey(_ key: String, after first: Mark, in text: String) -> (line: Int, column: Int)? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let indent = first.column - 1
    var index = first.line
    while index < lines.count {
        let line = Array(lines[index])
        let leading = line.prefix { $0 == " " }.count
        let content = String(line.dropFirst(leading))
        index += 1
        if content.isEmpty || content.hasPrefix("#") || leading > indent { continue }
        guard leading == indent else { return nil }
        if content.hasPrefix(key + ":") || content.hasPrefix(key + " :") {
            return (index, first.column)
        }
    }
    return nil
}

private extension Node {
    var isMapping: Bool { if case .mapping = self { true } else { false } }
}
