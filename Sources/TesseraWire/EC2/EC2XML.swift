/// Writing EC2's XML responses and errors (namespace `http://ec2.amazonaws.com/doc/2016-11-15/`).
public enum EC2XML {
    public static let namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

    /// Escapes text for an element body.
    public static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(char)
            }
        }
        return out
    }

    /// `<name>text</name>`, escaped; nothing when `text` is nil.
    public static func element(_ name: String, _ text: String?) -> String {
        guard let text else { return "" }
        return "<\(name)>\(escape(text))</\(name)>"
    }

    /// A whole response document: `<ActionResponse xmlns=…><requestId>…</requestId>body</ActionResponse>`.
    public static func response(action: String, requestID: String, body: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(action)Response xmlns=\"\(namespace)\">"
            + element("requestId", requestID) + body + "</\(action)Response>"
    }

    /// An EC2 error document.
    public static func error(code: String, message: String, requestID: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>" + element("Code", code) + element("Message", message)
            + "</Error></Errors>" + element("RequestID", requestID) + "</Response>"
    }
}
