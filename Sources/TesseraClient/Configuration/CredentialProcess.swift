import Foundation

/// Credentials from a profile's `credential_process`: a command the profile names, run through `/bin/sh -c`,
/// whose standard output is one JSON object in the format of AWS's "Sourcing credentials with an external
/// process": `Version` 1, `AccessKeyId`, `SecretAccessKey`, and optionally `SessionToken` and `Expiration`
/// (ISO 8601). Its standard error goes to the caller's, so whatever it asks or reports reaches the terminal.
public enum CredentialProcess {
    /// What a run of the command gave: its exit status and standard output.
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: [UInt8]

        public init(status: Int32, standardOutput: [UInt8]) {
            self.status = status
            self.standardOutput = standardOutput
        }
    }

    /// Runs a command line; tests pass their own.
    public typealias Runner = @Sendable (_ commandLine: String) throws -> Output

    /// Runs `commandLine` with `/bin/sh -c`, its standard input and error the caller's.
    public static let live: Runner = { commandLine in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", commandLine]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, standardOutput: [UInt8](bytes))
    }

    /// The credentials `commandLine` prints for `profile`.
    /// - Throws: ``AWSClientConfigurationError/credentialProcessFailed(profile:detail:)`` saying what went wrong.
    public static func credentials(running commandLine: String, profile: String, now: Date = Date(),
                                   runner: Runner) throws -> AWSCredentials {
        func failure(_ detail: String) -> AWSClientConfigurationError {
            .credentialProcessFailed(profile: profile, detail: detail)
        }
        let output: Output
        do {
            output = try runner(commandLine)
        } catch {
            throw failure("could not start it: \(error)")
        }
        guard output.status == 0 else { throw failure("it exited with status \(output.status)") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(output.standardOutput))) as? [String: Any] else {
            throw failure("its output is not a JSON object")
        }
        guard let version = object["Version"] as? Int, version == 1 else {
            throw failure("its output's Version is not 1")
        }
        guard let key = object["AccessKeyId"] as? String, !key.isEmpty,
              let secret = object["SecretAccessKey"] as? String, !secret.isEmpty else {
            throw failure("its output lacks AccessKeyId or SecretAccessKey")
        }
        var expires: Date?
        if let expiration = object["Expiration"] {
            guard let text = expiration as? String, let date = parseTimestamp(text) else {
                throw failure("its output's Expiration is not an ISO 8601 time")
            }
            guard date > now else { throw failure("the credentials it printed expired at \(text)") }
            expires = date
        }
        let token = (object["SessionToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token, expiration: expires)
    }

    /// An ISO 8601 time with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
