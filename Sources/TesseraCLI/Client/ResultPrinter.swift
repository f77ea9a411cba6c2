import Foundation

/// Prints a command's result on stdout: `key: value` lines for people, or one JSON object (`--json`) for
/// scripts, always the last thing printed.
enum ResultPrinter {
    static func print(_ fields: KeyValuePairs<String, (any Sendable)?>, json: Bool) {
        if json {
            var object: [String: Any] = [:]
            for (key, value) in fields { object[key] = value ?? NSNull() }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            var text = ""
            for (key, value) in fields {
                guard let value else { continue }
                text += "\(key): \(value)\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func printJSON(_ object: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
