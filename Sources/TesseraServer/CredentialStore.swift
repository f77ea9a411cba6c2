import Foundation
import TesseraCore

/// The accounts the server knows: access key → (secret, 12-digit account id).
public struct CredentialStore: Sendable, Equatable {
    public struct Account: Sendable, Equatable {
        public var accessKey: String
        public var secret: String
        public var accountID: String

        public init(accessKey: String, secret: String, accountID: String) {
            self.accessKey = accessKey
            self.secret = secret
            self.accountID = accountID
        }
    }

    public private(set) var accounts: [String: Account] = [:]

    public init(_ accounts: [Account] = []) {
        for account in accounts { self.accounts[account.accessKey] = account }
    }

    public func account(forAccessKey key: String) -> Account? { accounts[key] }

    /// Parses the credentials file format: one account per line, `ACCESS_KEY SECRET ACCOUNT_ID`,
    /// whitespace-separated; blank lines and `#` comments ignored.
    /// - Throws: ``ConfigurationError`` naming the line that is not of that form.
    public static func parse(_ text: String, source: String) throws -> CredentialStore {
        var store = CredentialStore()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 3 else {
                throw ConfigurationError("\(source):\(index + 1): expected ACCESS_KEY SECRET ACCOUNT_ID, found \(fields.count) fields")
            }
            let account = Account(accessKey: String(fields[0]), secret: String(fields[1]), accountID: String(fields[2]))
            guard account.accountID.count == 12, account.accountID.allSatisfy(\.isNumber) else {
                throw ConfigurationError("\(source):\(index + 1): account id \(account.accountID) is not 12 digits")
            }
            guard store.accounts[account.accessKey] == nil else {
                throw ConfigurationError("\(source):\(index + 1): access key \(account.accessKey) appears twice")
            }
            store.accounts[account.accessKey] = account
        }
        return store
    }

    /// A new random account, for a first start with no credentials configured.
    public static func generated() -> Account {
        let digits = (0..<12).map { _ in String(Int.random(in: 0...9)) }.joined()
        return Account(accessKey: "AKIA" + RandomID.hex(byteCount: 8).uppercased(),
                       secret: RandomID.urlSafe(length: 40).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"),
                       accountID: digits.hasPrefix("0") ? "1" + digits.dropFirst() : digits)
    }

    /// The file line for an account.
    public static func line(for account: Account) -> String {
        "\(account.accessKey) \(account.secret) \(account.accountID)\n"
    }
}

/// A configuration the server cannot start with; the message says what to fix.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
