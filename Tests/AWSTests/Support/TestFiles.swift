#if canImport(Glibc)
import Glibc
#endif

/// Reads fixtures next to this file (paths from `#filePath`, no bundles or resources).
enum TestFiles {
    static let testsDirectory: String = {
        var path = String(#filePath)
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }  // …/Tests/AWSTests
        return path
    }()

    static var repositoryRoot: String {
        var path = testsDirectory
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }

    static func read(_ path: String) throws -> String {
        guard let f = fopen(path, "rb") else { throw TestFileError(path: path) }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names of the sub-directories of `path`, sorted.
    static func directories(in path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) { names.append(name) }
        }
        return names.sorted()
    }
}

struct TestFileError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot read \(path)" }
}
