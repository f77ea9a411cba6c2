/// `tessera serve --config FILE`: the settings of `serve`, one per line, in TOML's flat form —
/// `name = value`, where `name` is the flag without its dashes (`data-dir`, `gc-interval`), strings are in
/// double quotes (`\"` and `\\` escaped), numbers bare, `#` starts a comment. Tables and arrays are not
/// settings of `serve`, so they are refused, as are unknown names: a typo must not pass silently.
struct ServeConfigFile: Equatable {
    /// The value of each setting as written, quotes removed.
    let values: [String: String]

    init(parsing text: String, path: String, known: Set<String>) throws {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Self.strippingComment(String(rawLine)).trimmingWhitespace()
            if line.isEmpty { continue }
            let place = "\(path) line \(number + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw ServeConfigError("\(place): expected `name = value`, found `\(line)`")
            }
            let name = String(line[..<equals]).trimmingWhitespace()
            let raw = String(line[line.index(after: equals)...]).trimmingWhitespace()
            guard known.contains(name) else {
                throw ServeConfigError("\(place): unknown setting `\(name)` (settings: \(known.sorted().joined(separator: ", ")))")
            }
            guard values[name] == nil else { throw ServeConfigError("\(place): `\(name)` is set twice") }
            values[name] = try Self.value(raw, place: place)
        }
        self.values = values
    }

    /// A quoted string unquoted, or a bare number or boolean as written.
    static func value(_ raw: String, place: String) throws -> String {
        if raw.hasPrefix("\"") {
            guard raw.count >= 2, raw.hasSuffix("\"") else { throw ServeConfigError("\(place): unterminated string \(raw)") }
            var result = ""
            var escaped = false
            for character in raw.dropFirst().dropLast() {
                if escaped {
                    switch character {
                    case "\"", "\\": result.append(character)
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: throw ServeConfigError("\(place): unknown escape \\\(character)")
                    }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    throw ServeConfigError("\(place): a quote inside a string must be written \\\"")
                } else {
                    result.append(character)
                }
            }
            guard !escaped else { throw ServeConfigError("\(place): a string ends in a lone backslash") }
            return result
        }
        let bare = raw.replacingUnderscores()
        guard !bare.isEmpty, bare == "true" || bare == "false" || Double(bare) != nil else {
            throw ServeConfigError("\(place): `\(raw)` is not a number or boolean; strings go in double quotes")
        }
        return bare
    }

    /// The line up to a `#` that is not inside a string.
    static func strippingComment(_ line: String) -> String {
        var inString = false
        var escaped = false
        var result = ""
        for character in line {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "#" {
                break
            }
            result.append(character)
        }
        return result
    }
}

/// A configuration `serve` cannot start with, said in one line.
struct ServeConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }

    /// TOML allows `1_000_000`.
    func replacingUnderscores() -> String { filter { $0 != "_" } }
}
