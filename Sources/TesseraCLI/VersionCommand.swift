import ArgumentParser

/// `tessera version`: the version and the git commit the binary was built from (also `tessera --version`).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and the commit it was built from.")

    /// The release this source tree is.
    static let version = "0.3.0-dev"

    /// `tessera 0.3.0-dev (commit 1a2b3c4d5e6f)`.
    static var text: String { "tessera \(version) (commit \(BuildInfo.commit))" }

    func run() {
        print(Self.text)
    }
}
