import AsyncHTTPClient
import Foundation
import NIOCore
import TesseraClient
import TesseraCore
import TesseraStorage

/// The S3 operations the blob store uses, on one bucket, path-style (`/BUCKET/KEY`), signed with SigV4 by
/// ``AWSServiceClient`` (which also retries throttling such as 503 SlowDown, 5xx answers and dropped
/// connections with jittered backoff, under a deadline per attempt). Every failure leaves here as a
/// ``StorageError`` that names the operation, the key and S3's own error code.
struct S3Bucket: Sendable {
    let client: AWSServiceClient
    /// The same endpoint with a longer deadline, for server-side copies of large objects.
    let copyClient: AWSServiceClient
    let name: String

    /// An object as a listing shows it.
    struct ListedObject: Sendable, Equatable {
        var key: String
        var size: Int64
        var lastModified: Date
    }

    /// A multipart upload as ListMultipartUploads shows it.
    struct ListedUpload: Sendable, Equatable {
        var key: String
        var uploadID: String
        var initiated: Date
    }

    func path(_ key: String) -> String { "/\(name)/\(key)" }

    /// Creates the bucket unless it exists (and is ours).
    func createIfMissing() async throws {
        do {
            _ = try await client.send(AWSRequest(method: "HEAD", path: "/\(name)"))
            return
        } catch let error as AWSServiceError where error.status == 404 {
        } catch {
            throw translate(error, "HeadBucket", "")
        }
        do {
            _ = try await client.send(AWSRequest(method: "PUT", path: "/\(name)"))
        } catch let error as AWSServiceError where error.code == "BucketAlreadyOwnedByYou" {
        } catch {
            throw translate(error, "CreateBucket", "")
        }
    }

    /// What a HeadObject says about an object.
    struct ObjectHead: Sendable, Equatable {
        var size: Int64
        /// `x-amz-meta-*` headers, by their lower-cased name without the prefix.
        var metadata: [String: String]
    }

    /// The object's size and metadata, or nil when there is none.
    func head(_ key: String) async throws -> ObjectHead? {
        do {
            let answer = try await client.send(AWSRequest(method: "HEAD", path: path(key)))
            guard let text = answer.header("content-length"), let size = Int64(text) else {
                throw StorageError.backend("S3 HeadObject \(key) in \(name): answer without a Content-Length")
            }
            var metadata: [String: String] = [:]
            for header in answer.headers where header.name.lowercased().hasPrefix("x-amz-meta-") {
                metadata[String(header.name.lowercased().dropFirst("x-amz-meta-".count))] = header.value
            }
            return ObjectHead(size: size, metadata: metadata)
        } catch let error as AWSServiceError where error.status == 404 {
            return nil
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error, "HeadObject", key)
        }
    }

    /// Stores `body` under `key` in one request, its SHA-256 signed so the store checks what arrived.
    func put(_ key: String, body: [ByteBuffer], headers: [(name: String, value: String)] = []) async throws {
        do {
            _ = try await client.send(AWSRequest(method: "PUT", path: path(key), headers: headers, body: body))
        } catch {
            throw translate(error, "PutObject", key)
        }
    }

    /// Opens a GET of `key` (of `range` when given) and hands back the body as it arrives.
    func get(_ key: String, range: Range<Int64>? = nil) async throws -> HTTPClientResponse.Body {
        var headers: [(name: String, value: String)] = []
        if let range, !range.isEmpty { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        let request = AWSRequest(method: "GET", path: path(key), headers: headers)
        do {
            return try await client.retry.run(isRetryable: AWSServiceClient.isRetryable) { _ in
                try await client.stream(request) { _, body in body }
            }
        } catch let error as AWSServiceError where error.status == 404 {
            throw StorageError.notFound("S3 object \(key) in \(name)")
        } catch {
            throw translate(error, "GetObject", key)
        }
    }

    /// Deletes `key`; an absent key is no error (S3 answers 204 either way).
    func delete(_ key: String) async throws {
        do {
            _ = try await client.send(AWSRequest(method: "DELETE", path: path(key)))
        } catch let error as AWSServiceError where error.status == 404 {
        } catch {
            throw translate(error, "DeleteObject", key)
        }
    }

    /// One page of the keys under `prefix`, in key order, from the first after `startAfter` when given; the
    /// token continues the listing.
    func list(prefix: String, continuation: String?, startAfter: String? = nil,
              maxKeys: Int = 1000) async throws -> (objects: [ListedObject], next: String?) {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let continuation { query.append(("continuation-token", continuation)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        let text: String
        do {
            text = String(decoding: try await client.send(AWSRequest(method: "GET", path: "/\(name)", query: query)).body, as: UTF8.self)
        } catch {
            throw translate(error, "ListObjectsV2", prefix)
        }
        var objects: [ListedObject] = []
        for block in S3XML.blocks("Contents", in: text) {
            guard let key = S3XML.value("Key", in: block), let size = S3XML.value("Size", in: block).flatMap({ Int64($0) }),
                  let modified = S3XML.value("LastModified", in: block).flatMap(Self.date) else {
                throw StorageError.backend("S3 ListObjectsV2 of \(prefix) in \(name): an entry without Key, Size or LastModified")
            }
            objects.append(ListedObject(key: key, size: size, lastModified: modified))
        }
        let truncated = S3XML.value("IsTruncated", in: text[...]) == "true"
        return (objects, truncated ? S3XML.value("NextContinuationToken", in: text[...]) : nil)
    }

    func createMultipartUpload(_ key: String, headers: [(name: String, value: String)] = []) async throws -> String {
        do {
            let answer = try await client.send(AWSRequest(method: "POST", path: path(key), query: [("uploads", "")], headers: headers))
            guard let id = S3XML.value("UploadId", in: String(decoding: answer.body, as: UTF8.self)[...]) else {
                throw StorageError.backend("S3 CreateMultipartUpload \(key) in \(name): no UploadId in the answer")
            }
            return id
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error, "CreateMultipartUpload", key)
        }
    }

    /// Uploads part `number` and returns its ETag.
    func uploadPart(_ key: String, uploadID: String, number: Int, body: [ByteBuffer]) async throws -> String {
        let request = AWSRequest(method: "PUT", path: path(key), query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                 body: body)
        do {
            guard let etag = try await client.send(request).header("etag") else {
                throw StorageError.backend("S3 UploadPart \(number) of \(key) in \(name): no ETag in the answer")
            }
            return etag
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error, "UploadPart", key)
        }
    }

    /// Copies the range `range` of `source` in as part `number` of an upload to another key; returns its ETag.
    func uploadPartCopy(_ key: String, uploadID: String, number: Int, source: String, range: Range<Int64>) async throws -> String {
        let request = AWSRequest(method: "PUT", path: path(key), query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                 headers: [("x-amz-copy-source", path(source)),
                                           ("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")])
        do {
            let text = String(decoding: try await copyClient.send(request).body, as: UTF8.self)
            guard let etag = S3XML.value("ETag", in: text[...]) else {
                throw StorageError.backend("S3 UploadPartCopy \(number) of \(key) in \(name): \(Self.errorIn(text) ?? "no ETag in the answer")")
            }
            return etag
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error, "UploadPartCopy", key)
        }
    }

    func completeMultipartUpload(_ key: String, uploadID: String, etags: [String]) async throws {
        let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>" }
        let body = "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>"
        let request = AWSRequest(method: "POST", path: path(key), query: [("uploadId", uploadID)],
                                 body: [ByteBuffer(string: body)])
        do {
            // S3 may answer 200 and still report a failure in the body.
            let text = String(decoding: try await copyClient.send(request).body, as: UTF8.self)
            if let failure = Self.errorIn(text) {
                throw StorageError.backend("S3 CompleteMultipartUpload \(key) in \(name): \(failure)")
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error, "CompleteMultipartUpload", key)
        }
    }

    func abortMultipartUpload(_ key: String, uploadID: String) async throws {
        do {
            _ = try await client.send(AWSRequest(method: "DELETE", path: path(key), query: [("uploadId", uploadID)]))
        } catch let error as AWSServiceError where error.status == 404 {
        } catch {
            throw translate(error, "AbortMultipartUpload", key)
        }
    }

    /// Copies `source` to `key` inside the bucket, without the bytes passing through this process, giving the
    /// copy `headers` (its `x-amz-meta-*` metadata) instead of the source's. Objects of up to 5 GiB take one
    /// CopyObject; larger ones a multipart upload of 1 GiB UploadPartCopy ranges.
    func copy(_ source: String, to key: String, size: Int64, headers: [(name: String, value: String)] = []) async throws {
        guard size > Self.largestSingleCopy else {
            let request = AWSRequest(method: "PUT", path: path(key),
                                     headers: [("x-amz-copy-source", path(source)), ("x-amz-metadata-directive", "REPLACE")] + headers)
            do {
                let text = String(decoding: try await copyClient.send(request).body, as: UTF8.self)
                if let failure = Self.errorIn(text) {
                    throw StorageError.backend("S3 CopyObject \(source) to \(key) in \(name): \(failure)")
                }
                return
            } catch let error as StorageError {
                throw error
            } catch {
                throw translate(error, "CopyObject", key)
            }
        }
        let uploadID = try await createMultipartUpload(key, headers: headers)
        do {
            var etags: [String] = []
            var start: Int64 = 0
            while start < size {
                let end = min(start + Self.copyPartSize, size)
                etags.append(try await uploadPartCopy(key, uploadID: uploadID, number: etags.count + 1, source: source, range: start..<end))
                start = end
            }
            try await completeMultipartUpload(key, uploadID: uploadID, etags: etags)
        } catch {
            try? await abortMultipartUpload(key, uploadID: uploadID)
            throw error
        }
    }

    /// Multipart uploads in progress under `prefix` (one page of up to 1000; enough for a sweep that runs often).
    func listMultipartUploads(prefix: String) async throws -> [ListedUpload] {
        let text: String
        do {
            text = String(decoding: try await client.send(AWSRequest(method: "GET", path: "/\(name)",
                                                                     query: [("uploads", ""), ("prefix", prefix)])).body, as: UTF8.self)
        } catch {
            throw translate(error, "ListMultipartUploads", prefix)
        }
        return S3XML.blocks("Upload", in: text).compactMap { block in
            guard let key = S3XML.value("Key", in: block), let id = S3XML.value("UploadId", in: block),
                  let initiated = S3XML.value("Initiated", in: block).flatMap(Self.date) else { return nil }
            return ListedUpload(key: key, uploadID: id, initiated: initiated)
        }
    }

    static let largestSingleCopy: Int64 = 5 << 30
    static let copyPartSize: Int64 = 1 << 30

    /// The code and message of an `<Error>` document, when the text is one.
    static func errorIn(_ text: String) -> String? {
        guard text.contains("<Error>") else { return nil }
        let code = S3XML.value("Code", in: text[...]) ?? "Error"
        return S3XML.value("Message", in: text[...]).map { "\(code): \($0)" } ?? code
    }

    /// An S3 timestamp (`2026-12-01T02:30:00.000Z`, with or without the fraction).
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    func translate(_ error: any Error, _ operation: String, _ key: String) -> any Error {
        if error is CancellationError || error is StorageError { return error }
        let subject = key.isEmpty ? "bucket \(name)" : "\(key) in \(name)"
        return StorageError.backend("S3 \(operation) \(subject): \(error)")
    }
}
