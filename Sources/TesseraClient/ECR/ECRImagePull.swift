import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import TesseraCore

/// Pulls an image (or an index and its images) into an OCI image layout from an ``ImageSource`` — a private
/// repository through the ECR API, a public one through the registry API — blobs several at once, each one's
/// digest checked as it streams to `blobs/sha256/HEX.tessera-partial` before it takes its name. Blobs already
/// in the layout with the right digest are not fetched again, so a rerun after an interruption fetches only
/// what is missing.
public struct ECRImagePull: Sendable {
    public struct Result: Sendable, Equatable {
        public let digest: String
        public let blobs: Int
        public let blobsFetched: Int
    }

    public let source: any ImageSource
    public let tag: String?
    public let digest: String?
    public let layout: OCIImageLayout
    public let concurrency: Int
    public let progress: TransferProgressReporter

    public init(source: any ImageSource, tag: String?, digest: String?, layout: OCIImageLayout,
                concurrency: Int, progress: TransferProgressReporter) {
        self.source = source
        self.tag = tag
        self.digest = digest
        self.layout = layout
        self.concurrency = max(1, concurrency)
        self.progress = progress
    }

    public func run() async throws -> Result {
        defer { progress.finish() }
        try FileManager.default.createDirectory(at: layout.directory.appendingPathComponent("blobs/sha256"),
                                                withIntermediateDirectories: true)
        let root = try await source.manifest(tag: tag, digest: digest)
        var blobs: [OCIImageLayout.Descriptor] = []
        func store(_ bytes: Data, digest: String, mediaType: String?) throws -> OCIImageLayout.Manifest {
            try Self.check(bytes, against: digest)
            try bytes.write(to: try layout.blobURL(digest), options: .atomic)
            return try OCIImageLayout.Manifest(bytes: bytes, mediaType: mediaType)
        }
        let manifest = try store(root.bytes, digest: root.digest, mediaType: root.mediaType)
        var pending = manifest.children
        blobs += manifest.blobs
        while let child = pending.popLast() {
            let fetched = try await source.manifest(tag: nil, digest: child.digest)
            let childManifest = try store(fetched.bytes, digest: child.digest, mediaType: fetched.mediaType ?? child.mediaType)
            pending += childManifest.children
            for blob in childManifest.blobs where !blobs.contains(where: { $0.digest == blob.digest }) { blobs.append(blob) }
        }
        progress.setTotal(blobs.reduce(0) { $0 + $1.size })

        var fetched = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for blob in blobs {
                let url = try layout.blobURL(blob.digest)
                if Self.holds(url, digest: blob.digest) {
                    progress.advance(blob.size, sent: false)
                    continue
                }
                try await group.makeRoom(running: &inFlight, limit: concurrency)
                group.addTask { try await download(blob, to: url) }
                inFlight += 1
                fetched += 1
            }
            try await group.settleRemaining()
        }
        let descriptor = OCIImageLayout.Descriptor(["digest": root.digest, "size": manifest.bytes.count,
                                                    "mediaType": manifest.mediaType as Any])
        if let descriptor { try layout.writeIndex(root: descriptor, tag: tag) }
        return Result(digest: root.digest, blobs: blobs.count, blobsFetched: fetched)
    }

    private func download(_ blob: OCIImageLayout.Descriptor, to url: URL) async throws {
        let partial = url.appendingPathExtension("tessera-partial")
        try await source.retry.run(isRetryable: AWSServiceClient.isRetryable) { _ in
            guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                throw LocalFileError(path: partial.path, code: errno, doing: "create")
            }
            let handle = try FileHandle(forWritingTo: partial)
            defer { try? handle.close() }
            var hasher = SHA256()
            var count: Int64 = 0
            try await source.streamBlob(blob.digest) { body in
                for try await chunk in body {
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    try handle.write(contentsOf: Data(chunk.readableBytesView))
                    count += Int64(chunk.readableBytes)
                }
            }
            let actual = "sha256:" + SHA256Value(hasher.finalize()).hex
            guard count == blob.size, actual == blob.digest else {
                throw AWSTransportError(.connectionLost, endpoint: source.location,
                                        detail: "blob \(blob.digest) arrived as \(actual), \(count) bytes")
            }
            try handle.synchronize()
        }
        guard rename(partial.path, url.path) == 0 else { throw LocalFileError(path: url.path, code: errno, doing: "write") }
        progress.advance(blob.size, sent: true)
    }

    static func check(_ bytes: Data, against digest: String) throws {
        let actual = "sha256:" + SHA256Value(SHA256.hash(data: bytes)).hex
        guard digest.hasPrefix("sha256:") else { return }
        guard actual == digest else { throw OCILayoutError.digestMismatch(expected: digest, actual: actual) }
    }

    /// Whether `url` already holds a blob with `digest` (read and hashed: a torn file is fetched again).
    static func holds(_ url: URL, digest: String) -> Bool {
        guard digest.hasPrefix("sha256:"), let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 8 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return "sha256:" + SHA256Value(hasher.finalize()).hex == digest
    }
}
