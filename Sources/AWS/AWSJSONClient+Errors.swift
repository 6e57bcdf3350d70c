import Base
import CurlHTTP

// MARK: - Error responses
//
// JSON services: `{"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", "message": …}`
// (or `Message`), the type also in `X-Amzn-ErrorType`. SQS adds `x-amzn-query-error: <QueryCode>;Sender`, whose
// first part botocore reports as the code. moto's auth failures are XML (`<Code>SignatureDoesNotMatch</Code>`)
// with `text/html` even on JSON services.

extension AWSJSONClient {
    static func parseError(
        _ response: HTTPResponse, service: String, operation: String, redacting secrets: [String]
    ) -> AWSError {
        var requestId = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
        var typeCode: String?
        var message: String?
        var payload: JSONValue?

        if let json = try? JSONValue.parse(response.body), json.objectValue != nil {
            payload = json
            typeCode = json["__type"]?.stringValue.map(shortCode)
            message = json["message"]?.stringValue ?? json["Message"]?.stringValue
        } else {
            let text = response.bodyText
            typeCode = xmlElement("Code", in: text)
            message = xmlElement("Message", in: text)
            requestId = requestId ?? xmlElement("RequestId", in: text) ?? xmlElement("RequestID", in: text)
        }
        if typeCode == nil, let header = response.headers["X-Amzn-ErrorType"] { typeCode = shortCode(header) }

        var code = typeCode ?? "HTTP\(response.status)"
        if let queryError = response.headers["x-amzn-query-error"],
            let first = queryError.split(separator: ";").first, !first.isEmpty
        {
            code = String(first)
        }
        let isJSONBody = payload != nil
        let auth =
            AWSError.authenticationCodes.contains(code) || typeCode.map(AWSError.authenticationCodes.contains) == true
            || (response.status == 403 && !isJSONBody)
        return AWSError(
            kind: auth ? .authentication : .service, service: service, operation: operation, code: code,
            typeCode: typeCode == code ? nil : typeCode, message: redact(message ?? "", secrets),
            status: response.status, requestId: requestId, payload: payload)
    }

    /// `com.amazonaws.sqs#QueueDoesNotExist` → `QueueDoesNotExist`; `Foo:http://internal…` → `Foo`.
    static func shortCode(_ raw: String) -> String {
        var s = Substring(raw)
        if let hash = s.lastIndex(of: "#") { s = s[s.index(after: hash)...] }
        if let colon = s.firstIndex(of: ":") { s = s[..<colon] }
        return String(s).trimmed
    }

    static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.firstRange(of: "<\(name)>") else { return nil }
        let rest = text[open.upperBound...]
        guard let close = rest.firstRange(of: "</\(name)>") else { return nil }
        return unescapeXML(String(rest[..<close.lowerBound]))
    }

    static func unescapeXML(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
            .replacingAll("&#39;", "'").replacingAll("&apos;", "'").replacingAll("&amp;", "&")
    }

    static func redact(_ message: String, _ secrets: [String]) -> String {
        var out = message
        for secret in secrets where secret.count >= 8 { out = out.replacingAll(secret, "<redacted>") }
        return out
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module).
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
