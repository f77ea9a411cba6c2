import Foundation

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`, as the AWS CLI reads it: `[section]` headers,
/// `key = value` lines, `#` and `;` comment lines. A key with no value followed by indented `key = value` lines
/// is a nested block (`s3 =`, or a service's settings in a `[services NAME]` section): its lines are not
/// settings of the section itself, and are kept apart in ``nested``.
public struct AWSSharedConfigFile: Sendable, Equatable {
    /// Settings by section name as written between the brackets (`default`, `profile dev`, `dev`), keys
    /// lower-cased.
    public let sections: [String: [String: String]]
    /// Nested blocks by section name, then by the block's key: `nested["services local"]["glacier"]` is
    /// `["endpoint_url": "…"]`.
    public let nested: [String: [String: [String: String]]]

    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var nested: [String: [String: [String: String]]] = [:]
        var current: String?
        var block: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                block = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { continue }
            // An indented line belongs to the nested block above it, not to the section.
            if let first = rawLine.first, first == " " || first == "\t" {
                if let block { nested[section, default: [:]][block, default: [:]][key] = value }
                continue
            }
            sections[section, default: [:]][key] = value
            block = value.isEmpty ? key : nil
        }
        self.sections = sections
        self.nested = nested
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
