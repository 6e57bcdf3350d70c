import Base
import CurlHTTP
import Testing

@testable import AWS

/// The AWS Signature Version 4 test suite (awslabs/aws-c-auth `tests/aws-signing-test-suite/v4`, Apache-2.0,
/// copied with LICENSE and NOTICE into `Vectors/sigv4`). Each stage is compared: canonical request, string to sign,
/// signature; for the header form and the query (presigned) form.
@Suite struct SigV4VectorTests {
    static let root = TestFiles.testsDirectory + "/Vectors/sigv4"
    static let cases = TestFiles.directories(in: root)

    @Test func allThirtyEightCasesArePresent() {
        #expect(Self.cases.count == 38)
    }

    @Test(arguments: cases)
    func headerForm(_ name: String) throws {
        let v = try Vector(root: Self.root, name: name)
        let signed = v.signer.signWithDetails(v.request, date: v.date, options: v.options)
        #expect(signed.canonicalRequest == (try v.file("header-canonical-request.txt")))
        #expect(signed.stringToSign == (try v.file("header-string-to-sign.txt")))
        #expect(signed.signature == (try v.file("header-signature.txt")))
        let auth = try #require(signed.request.headers["Authorization"])
        #expect(auth.hasSuffix("Signature=" + (try v.file("header-signature.txt"))))
    }

    @Test(arguments: cases)
    func queryForm(_ name: String) throws {
        let v = try Vector(root: Self.root, name: name)
        let signed = v.signer.presign(v.request, date: v.date, expiresSeconds: v.expires, options: v.options)
        #expect(signed.canonicalRequest == (try v.file("query-canonical-request.txt")))
        #expect(signed.stringToSign == (try v.file("query-string-to-sign.txt")))
        #expect(signed.signature == (try v.file("query-signature.txt")))
        #expect(signed.request.url.hasSuffix("X-Amz-Signature=" + (try v.file("query-signature.txt"))))
    }
}

/// One case folder: `context.json` + `request.txt` turned into a signer and an `HTTPRequest`.
struct Vector {
    let directory: String
    let signer: SigV4Signer
    let request: HTTPRequest
    let date: EpochMillis
    let expires: Int
    let options: SigV4Signer.Options

    init(root: String, name: String) throws {
        directory = root + "/" + name
        let context = try JSONValue.parse(try TestFiles.read(directory + "/context.json"))
        let creds = try #require(context["credentials"])
        signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyId: try #require(creds["access_key_id"]?.stringValue),
                secretAccessKey: try #require(creds["secret_access_key"]?.stringValue),
                sessionToken: creds["token"]?.stringValue),
            region: try #require(context["region"]?.stringValue),
            service: try #require(context["service"]?.stringValue))
        let timestamp = try #require(context["timestamp"]?.stringValue)
        date = try #require(UTCTime.parseISO8601(timestamp))
        expires = context["expiration_in_seconds"]?.intValue ?? 3600
        options = SigV4Signer.Options(
            normalizePath: context["normalize"]?.boolValue ?? true,
            signBody: context["sign_body"]?.boolValue ?? false,
            omitSessionToken: context["omit_session_token"]?.boolValue ?? false)
        request = try Vector.parseRequest(try TestFiles.read(directory + "/request.txt"))
    }

    func file(_ name: String) throws -> String { try TestFiles.read(directory + "/" + name) }

    /// `METHOD PATH HTTP/1.1`, `Name:value` lines (a line starting with whitespace continues the previous value),
    /// a blank line, the body. The path is kept byte for byte (it may hold spaces or UTF-8).
    static func parseRequest(_ text: String) throws -> HTTPRequest {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        let first = lines[0]
        let method = String(first[..<first.firstIndex(of: " ")!])
        var target = first[first.index(after: first.firstIndex(of: " ")!)...]
        if let http = target.lastIndex(of: " ") { target = target[..<http] }
        var fields: [(String, String)] = []
        var i = 1
        while i < lines.count, !lines[i].isEmpty {
            let line = lines[i]
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += " " + line.trimmingSpaces
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            i += 1
        }
        let body = i + 1 < lines.count ? lines[(i + 1)...].joined(separator: "\n") : ""
        let host = try #require(fields.first { $0.0.lowercased() == "host" }?.1)
        return HTTPRequest(
            method: method, url: "https://\(host)\(target)", headers: HTTPHeaders(fields), body: Array(body.utf8))
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
