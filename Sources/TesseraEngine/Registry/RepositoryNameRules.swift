import TesseraStorage

/// Repository name syntax, from the API models' `RepositoryName` patterns.
///
/// ECR: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*` — components of lower-case
/// letters and digits joined by `.`, `_`, `__` or runs of `-`, separated by `/`. ECR Public uses the older
/// `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`, which allows single separators only.
public enum RepositoryNameRules {
    /// The pattern the error message quotes.
    public static func pattern(for registry: RegistryKind) -> String {
        switch registry {
        case .private: "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"
        case .public: "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"
        }
    }

    /// Checks a name, throwing the constraint it breaks.
    public static func check(_ name: String, registry: RegistryKind, limits: RegistryLimits) throws(RegistryError) {
        guard name.utf8.count >= 2 && name.utf8.count <= limits.maximumNameLength else {
            throw .invalidParameter(member: "repositoryName",
                                    constraint: "must have length between 2 and \(limits.maximumNameLength)")
        }
        guard matches(name, registry: registry) else {
            throw .invalidParameter(member: "repositoryName", constraint: "must satisfy regular expression '\(pattern(for: registry))'")
        }
    }

    /// Whether `name` matches the registry's pattern.
    public static func matches(_ name: String, registry: RegistryKind) -> Bool {
        name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { isComponent(Array($0.utf8), registry: registry) }
    }

    private static func isComponent(_ bytes: [UInt8], registry: RegistryKind) -> Bool {
        func isAlnum(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isAlnum(bytes[index]) { index += 1; continue }
            // A separator run between two alphanumerics.
            var end = index
            while end < bytes.count && !isAlnum(bytes[end]) { end += 1 }
            let run = bytes[index..<end]
            guard isSeparator(run, registry: registry) else { return false }
            index = end
        }
        return true
    }

    private static func isSeparator(_ run: ArraySlice<UInt8>, registry: RegistryKind) -> Bool {
        let dot = UInt8(ascii: "."), underscore = UInt8(ascii: "_"), dash = UInt8(ascii: "-")
        if run.count == 1 { return run.first == dot || run.first == underscore || run.first == dash }
        guard registry == .private else { return false }
        return run.elementsEqual([underscore, underscore]) || run.allSatisfy { $0 == dash }
    }
}
