import Foundation

/// The effective settings of `tessera serve`, each from the first place that sets it: the command line,
/// then the environment (`TESSERA_` and the name in capitals, dashes as underscores: `TESSERA_DATA_DIR`),
/// then the `--config` file, then the default.
struct ServeSettings {
    enum Source: String {
        case flag = "command line"
        case environment
        case file = "config file"
        case `default`
    }

    /// Every setting with its default (nil: unset unless given).
    static let defaults: KeyValuePairs<String, String?> = [
        "host": "127.0.0.1",
        "port": "9000",
        "public-registry-port": nil,
        "data-dir": "./tessera-data",
        "metadata": "sqlite",
        "blobs": "data-dir",
        "s3-endpoint": nil,
        "s3-region": "us-east-1",
        "s3-timeout": "20",
        "credentials": nil,
        "log-level": "info",
        "log-format": "text",
        "glacier-job-delay": "0",
        "gc-interval": "600",
        "gc-grace": "3600",
        "idle-timeout": "60",
        "upload-expiry": "604800",
        "layer-expiry": "604800",
        "lifecycle-interval": "3600",
        "max-connections": "1024",
        "min-free-space": "256MiB",
        "tls-cert": nil,
        "tls-key": nil,
    ]

    static var names: Set<String> { Set(defaults.map(\.key)) }

    static func environmentName(_ name: String) -> String {
        "TESSERA_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    private(set) var values: [String: (value: String?, source: Source)] = [:]

    init(flags: [String: String], environment: [String: String], file: ServeConfigFile?) {
        for (name, fallback) in Self.defaults {
            if let flag = flags[name] {
                values[name] = (flag, .flag)
            } else if let variable = environment[Self.environmentName(name)], !variable.isEmpty {
                values[name] = (variable, .environment)
            } else if let written = file?.values[name] {
                values[name] = (written, .file)
            } else {
                values[name] = (fallback, .default)
            }
        }
    }

    func string(_ name: String) -> String? { values[name]?.value ?? nil }

    func int(_ name: String) throws -> Int {
        guard let text = string(name), let value = Int(text) else { throw invalid(name, "a whole number") }
        return value
    }

    func byteCount(_ name: String) throws -> Int64 {
        guard let text = string(name), let value = ByteCountText.parse(text) else {
            throw invalid(name, "a number of bytes (e.g. 268435456, 256MiB, 1GiB)")
        }
        return value
    }

    func double(_ name: String) throws -> Double {
        guard let text = string(name), let value = Double(text), value.isFinite else { throw invalid(name, "a number") }
        return value
    }

    private func invalid(_ name: String, _ expected: String) -> ServeConfigError {
        let source = values[name]?.source ?? .default
        return ServeConfigError("\(name) must be \(expected), not `\(string(name) ?? "")` (from the \(source.rawValue))")
    }

    /// The effective configuration in the config file's own format, each line saying where its value came
    /// from; nothing here is secret, and the environment's account shows its key id only.
    func printed(environment: [String: String]) -> String {
        var lines = ["# tessera serve: effective configuration (flag > TESSERA_* environment > --config file > default)"]
        for (name, _) in Self.defaults {
            guard let entry = values[name] else { continue }
            guard let value = entry.value else {
                lines.append("# \(name) is not set")
                continue
            }
            let shown = name == "metadata" ? Self.withoutPassword(value) : value
            let rendered = Double(shown) != nil ? shown : "\"" + shown.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            lines.append("\(name) = \(rendered)  # \(entry.source.rawValue)")
        }
        if let key = environment["TESSERA_ACCESS_KEY"], environment["TESSERA_SECRET_KEY"] != nil {
            lines.append("# account from TESSERA_ACCESS_KEY: \(key), secret ******** (TESSERA_SECRET_KEY), account "
                + (environment["TESSERA_ACCOUNT_ID"] ?? "000000000000"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A database URL with its password replaced by asterisks.
    static func withoutPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "********"
        return components.string ?? url
    }
}
