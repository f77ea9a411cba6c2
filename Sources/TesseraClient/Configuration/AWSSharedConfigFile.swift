import Foundation

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`, as the AWS CLI reads it: `[section]` headers,
/// `key = value` lines, `#` and `;` comment lines. An indented line continues the key above it (a nested
/// block such as `s3 =`); nested blocks are skipped, since no setting the client uses lives in one.
public struct AWSSharedConfigFile: Sendable, Equatable {
    /// Settings by section name as written between the brackets (`default`, `profile dev`, `dev`), keys
    /// lower-cased.
    public let sections: [String: [String: String]]

    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            // A continuation of a nested block: not a setting of the section itself.
            if let first = rawLine.first, first == " " || first == "\t" { continue }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { continue }
            sections[section, default: [:]][key] = value
        }
        self.sections = sections
    }

    /// The settings of `profile` in a credentials file, where sections are bare profile names.
    public func credentialsProfile(_ profile: String) -> [String: String]? {
        sections[profile]
    }

    /// The settings of `profile` in a config file, where sections are `[profile NAME]`, except `[default]`.
    public func configProfile(_ profile: String) -> [String: String]? {
        if profile == "default", let plain = sections["default"] { return plain }
        return sections["profile \(profile)"]
    }
}
