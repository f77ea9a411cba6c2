import Foundation
import Logging

/// Decides the accounts at start-up: a credentials file, else the environment, else the key pair kept in
/// the data directory (made and printed on the first start).
enum CredentialLoading {
    static let generatedFileName = "credentials"

    static func load(_ configuration: ServerConfiguration, announce: (String) -> Void) throws -> CredentialStore {
        if let path = configuration.credentialsFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("cannot read credentials file \(path)")
            }
            let store = try CredentialStore.parse(text, source: path)
            guard !store.accounts.isEmpty else { throw ConfigurationError("credentials file \(path) names no account") }
            return store
        }
        if let account = configuration.environmentAccount {
            return CredentialStore([account])
        }
        let path = configuration.dataDirectory + "/" + generatedFileName
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try CredentialStore.parse(text, source: path)
        }
        let account = CredentialStore.generated()
        let header = "# Made by tessera on first start; one account per line: ACCESS_KEY SECRET ACCOUNT_ID\n"
        do {
            try (header + CredentialStore.line(for: account)).write(toFile: path, atomically: true, encoding: .utf8)
            _ = chmod(path, 0o600)
        } catch {
            throw ConfigurationError("cannot write \(path): \(error)")
        }
        announce("""
            No credentials configured: generated an account (kept in \(path)). To use it:
              export AWS_ACCESS_KEY_ID=\(account.accessKey)
              export AWS_SECRET_ACCESS_KEY=\(account.secret)
              export AWS_DEFAULT_REGION=us-east-1
            """)
        return CredentialStore([account])
    }
}
