import Foundation

/// Where resume journals live: `$XDG_STATE_HOME/tessera/transfers`, else `~/.local/state/tessera/transfers`.
public struct TransferJournalDirectory: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> TransferJournalDirectory {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        }
        return TransferJournalDirectory(url: URL(fileURLWithPath: base).appendingPathComponent("tessera/transfers"))
    }

    public func journalURL(kind: String, identity: [String: String]) -> URL {
        url.appendingPathComponent(TransferJournal.fileName(kind: kind, identity: identity))
    }
}
