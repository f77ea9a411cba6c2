import ArgumentParser
import Foundation
import TesseraClient

/// `tessera ecr push LAYOUT[:TAG] REPO:TAG`.
struct ECRPushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push an image from an OCI image layout through the ECR layer API; blobs already there are skipped.",
        discussion: "An interrupted push resumes when rerun: completed blobs are skipped and a blob's upload continues after its last acknowledged part.")

    @Argument(help: "The OCI image layout directory, optionally :TAG to pick one of its images.")
    var layout: String

    @Argument(help: "Where to push: REPOSITORY:TAG (the repository must exist, or create-on-push must be set).")
    var destination: String

    @Option(help: "Blobs in flight at once.")
    var concurrency: Int = 4

    @Flag(help: "Push to an ECR Public repository (the ECR Public API, endpoint AWS_ENDPOINT_URL_ECR_PUBLIC) instead of a private one.")
    var `public` = false

    @OptionGroup var aws: AWSClientOptions

    func run() async throws {
        try await ClientFailure.run {
            let target = try ImageReference(parsing: destination)
            guard let tag = target.tag else { throw ValidationError("push needs a tag: REPOSITORY:TAG") }
            let (directory, layoutTag) = Self.splitLayout(layout)
            try await aws.withService(`public` ? .ecrPublic : .ecr) { service in
                let reporter = TransferProgressReporter()
                let push = ECRImagePush(ecr: ECRClient(service: service),
                                        layout: OCIImageLayout(directory: URL(fileURLWithPath: directory).standardizedFileURL),
                                        layoutTag: layoutTag, repository: target.repository, tag: tag,
                                        concurrency: concurrency, journals: .standard(), progress: reporter)
                let result = try await ProgressDisplay.showing(reporter, label: "push", json: aws.json) { try await push.run() }
                ResultPrinter.print(["repository": target.repository, "tag": tag, "digest": result.digest,
                                     "blobs": result.blobs, "blobsSent": result.blobsSent, "bytesSent": result.bytesSent,
                                     "resumed": result.resumed], json: aws.json)
            }
        }
    }

    /// `DIR:TAG` → (DIR, TAG) when DIR exists without the suffix; a plain existing directory stays whole.
    static func splitLayout(_ text: String) -> (String, String?) {
        if FileManager.default.fileExists(atPath: text) { return (text, nil) }
        guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}

/// `tessera ecr pull REPO:TAG DIR`, or `tessera ecr pull --public [HOST/]ALIAS/REPO:TAG DIR`.
struct ECRPullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull an image into an OCI image layout directory, every blob's digest verified.",
        discussion: """
            A private repository is read through the ECR API (BatchGetImage, GetDownloadUrlForLayer). With --public \
            the image is an ECR Public one, read anonymously through the registry API (/v2/) of the reference's \
            host, as docker pulls it: public.ecr.aws/ALIAS/REPO:TAG (the host may be left out), or \
            127.0.0.1:PORT/ALIAS/REPO:TAG for tessera serve's --public-registry-port. No credentials are needed; \
            https is used except for a loopback host.
            """)

    @Argument(help: "REPOSITORY:TAG or REPOSITORY@sha256:…; with --public, [HOST/]ALIAS/REPOSITORY:TAG.")
    var source: String

    @Argument(help: "The OCI image layout directory to write (made if missing).")
    var directory: String

    @Option(help: "Blobs in flight at once.")
    var concurrency: Int = 4

    @Flag(help: "Pull a public image anonymously through the registry API of the reference's host (default public.ecr.aws).")
    var `public` = false

    @OptionGroup var aws: AWSClientOptions

    func validate() throws {
        if `public`, aws.endpointURL != nil {
            throw ValidationError("--endpoint-url names an API endpoint; with --public the registry is the image reference's host, e.g. 127.0.0.1:PORT/ALIAS/REPOSITORY:TAG")
        }
    }

    func run() async throws {
        try await ClientFailure.run {
            let reference = try ImageReference(parsing: source)
            let layout = OCIImageLayout(directory: URL(fileURLWithPath: directory).standardizedFileURL)
            func pull(from source: any ImageSource) async throws -> ECRImagePull.Result {
                let reporter = TransferProgressReporter()
                let pull = ECRImagePull(source: source, tag: reference.tag, digest: reference.digest, layout: layout,
                                        concurrency: concurrency, progress: reporter)
                return try await ProgressDisplay.showing(reporter, label: "pull", json: aws.json) { try await pull.run() }
            }
            let result: ECRImagePull.Result
            if `public` {
                guard let (registry, name) = PublicImageLocation.split(reference.repository) else {
                    throw ValidationError("'\(reference.repository)' is not a public image reference: use [HOST/]ALIAS/REPOSITORY:TAG")
                }
                result = try await aws.withHTTPClient { http in
                    let client = OCIRegistryClient(registry: registry, http: http, retry: RetryPolicy(maxAttempts: aws.maxAttempts),
                                                   requestTimeout: .seconds(aws.requestTimeout))
                    return try await pull(from: RegistryImageSource(registry: client, name: name))
                }
            } else {
                result = try await aws.withService(.ecr) { service in
                    try await pull(from: ECRAPIImageSource(ecr: ECRClient(service: service), repository: reference.repository))
                }
            }
            ResultPrinter.print(["repository": reference.repository, "digest": result.digest, "blobs": result.blobs,
                                 "blobsFetched": result.blobsFetched, "layout": directory], json: aws.json)
        }
    }
}
