/// Reads the few fields Tessera needs from S3's XML answers (ListObjectsV2, ListMultipartUploads,
/// CreateMultipartUpload, CopyObject). The answers are flat, machine-written documents; a field is the text
/// between `<Name>` and `</Name>`, with the five predefined entities decoded.
enum S3XML {
    /// The text of every `<name>…</name>`, in order.
    static func values(_ name: String, in text: Substring) -> [String] {
        var found: [String] = []
        var rest = text[...]
        let open = "<\(name)>", close = "</\(name)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            found.append(unescape(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// The text of the first `<name>…</name>`, or nil.
    static func value(_ name: String, in text: Substring) -> String? {
        let open = "<\(name)>", close = "</\(name)>"
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) else {
            return nil
        }
        return unescape(text[start.upperBound..<end.lowerBound])
    }

    /// Each `<name>…</name>` block's inner text, for lists of records (`Contents`, `Upload`).
    static func blocks(_ name: String, in text: String) -> [Substring] {
        var found: [Substring] = []
        var rest = text[...]
        let open = "<\(name)>", close = "</\(name)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            found.append(rest[start.upperBound..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return found
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        return String(text).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
}
