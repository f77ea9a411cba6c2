import ArgumentParser

/// `tessera ecr …`: images between OCI layouts and ECR repositories, through the ECR API.
struct ECRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecr",
        abstract: "Push and pull images through the ECR API (layers in parts, resumable) and log docker in.",
        subcommands: [ECRLoginCommand.self, ECRPushCommand.self, ECRPullCommand.self])
}

/// `REPO:TAG` or `REPO@sha256:…`, as docker writes image references (the registry is the endpoint).
struct ImageReference {
    let repository: String
    let tag: String?
    let digest: String?

    init(parsing text: String) throws {
        if let at = text.firstIndex(of: "@") {
            repository = String(text[..<at])
            digest = String(text[text.index(after: at)...])
            tag = nil
        } else if let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") {
            repository = String(text[..<colon])
            tag = String(text[text.index(after: colon)...])
            digest = nil
        } else {
            repository = text
            tag = "latest"
            digest = nil
        }
        guard !repository.isEmpty, tag?.isEmpty != true, digest?.isEmpty != true else {
            throw ValidationError("'\(text)' is not an image reference: use REPOSITORY:TAG or REPOSITORY@sha256:…")
        }
    }
}
