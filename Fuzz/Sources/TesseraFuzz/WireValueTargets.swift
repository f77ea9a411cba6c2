import Foundation
import TesseraCore
@testable import TesseraEngine
import TesseraSigV4

/// Short values clients put in headers, query strings and JSON members, each read by its own small
/// parser: digests, tree hashes, tokens, names, dates.
extension FuzzTarget {
    /// Input: one byte naming the kind of value (see ``WireValueChecks/kinds``), then the value.
    static let wireValues = FuzzTarget(
        name: "wire-values", maxLength: 512,
        summary: "digests, tree-hash hex, base64url, page/registry/block tokens, names, x-amz-date/Date, Glacier header values"
    ) { bytes in
        guard let selector = bytes.first else { return }
        let kinds = WireValueChecks.kinds
        let kind = kinds.first { $0.selector == selector } ?? kinds[Int(selector) % kinds.count]
        kind.run(Array(bytes.dropFirst()))
    }
}

enum WireValueChecks {
    struct Kind: Sendable {
        let selector: UInt8
        let run: @Sendable ([UInt8]) -> Void
    }

    static let now = Date(timeIntervalSince1970: 1_714_564_800)
    static let key = Array("a key of thirty-two bytes or more".utf8)

    static let kinds: [Kind] = [
        Kind(selector: UInt8(ascii: "d"), run: digest),
        Kind(selector: UInt8(ascii: "h"), run: treeHash),
        Kind(selector: UInt8(ascii: "x"), run: hex),
        Kind(selector: UInt8(ascii: "b"), run: base64URL),
        Kind(selector: UInt8(ascii: "p"), run: pageToken),
        Kind(selector: UInt8(ascii: "k"), run: registryToken),
        Kind(selector: UInt8(ascii: "o"), run: blockToken),
        Kind(selector: UInt8(ascii: "n"), run: repositoryName),
        Kind(selector: UInt8(ascii: "a"), run: requestTime),
        Kind(selector: UInt8(ascii: "t"), run: glacierDate),
        Kind(selector: UInt8(ascii: "g"), run: glacierHeader),
        Kind(selector: UInt8(ascii: "w"), run: wildcard),
        Kind(selector: UInt8(ascii: "r"), run: policyEntry),
    ]

    /// A registry digest (`sha256:…`, OCI `?digest=`, manifest descriptors): reads back as written.
    @Sendable static func digest(_ bytes: [UInt8]) {
        let input = text(bytes)
        guard case .digest(let digest) = ContentDigest.parse(input) else { return }
        check(digest.string == input && ContentDigest(digest.string) == digest, "\(input.debugDescription) read as \(digest)")
        if digest.algorithm == .sha256 { check(digest.sha256?.hex == digest.hex, "sha256 of \(digest)") }
    }

    /// `x-amz-sha256-tree-hash` and `x-amz-content-sha256`: 64 hex digits, either case.
    @Sendable static func treeHash(_ bytes: [UInt8]) {
        let input = text(bytes)
        let value = SHA256Value(hex: input)
        check(SigV4Encoding.isSHA256Hex(input) == (value != nil), "SigV4 and TesseraCore disagree on \(input.debugDescription)")
        check((try? GlacierRules.treeHash(input)) == value, "GlacierRules.treeHash(\(input.debugDescription))")
        if let value { check(value.hex == input.lowercased(), "\(input.debugDescription) read as \(value.hex)") }
    }

    @Sendable static func hex(_ bytes: [UInt8]) {
        let input = text(bytes)
        guard let decoded = Hex.decode(input) else { return }
        check(Hex.encode(decoded) == input.lowercased(), "\(input.debugDescription) decoded to \(decoded)")
    }

    @Sendable static func base64URL(_ bytes: [UInt8]) {
        guard let decoded = Base64URL.decode(text(bytes)) else { return }
        check(Base64URL.decode(Base64URL.encode(decoded)) == decoded, "base64url of \(decoded) does not read back")
    }

    /// A registry listing's `nextToken`, given as the text the token carries (the target encodes it, so
    /// that the search works on the text rather than on its base64), and as a token as given.
    @Sendable static func pageToken(_ bytes: [UInt8]) {
        _ = try? PageToken.decode(text(bytes))
        let token = Base64URL.encode(bytes)
        if let key = try? PageToken.decode(token) {
            check((try? PageToken.decode(PageToken.encode(key))) == key, "page key \(key.debugDescription) does not read back")
        }
        // A token the server accepts is one it could have made: it writes back to the same position.
        guard let (cursor, lastTag) = try? ImagePageToken.decode(token) else { return }
        let again = try? ImagePageToken.decode(ImagePageToken.encode(cursor, lastTag: lastTag))
        check(again?.cursor == cursor && again?.lastTag == lastTag, "image page token \(text(bytes).debugDescription) does not read back")
    }

    /// The registry password (OCI door Basic auth) and the layer download token.
    @Sendable static func registryToken(_ bytes: [UInt8]) {
        let input = text(bytes)
        let tokens = RegistryTokens(key: key)
        _ = tokens.account(forPassword: input, now: now)
        _ = tokens.verifyDownloadToken(input, repositoryID: "repo", digest: "sha256:0", now: now)
        let expiry = now.addingTimeInterval(RegistryTokens.passwordLifetime)
        // Account ids are the server's own (12 digits); any ASCII without `:` stands in for them.
        if !input.isEmpty && input.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: ":") }) {
            let password = tokens.password(accountID: input, expiry: expiry)
            check(tokens.account(forPassword: password, now: now) == input, "the password of \(input.debugDescription) is refused")
        }
        let download = tokens.downloadToken(repositoryID: input, digest: "sha256:0", expiry: expiry)
        check(tokens.verifyDownloadToken(download, repositoryID: input, digest: "sha256:0", now: now), "a download token is refused")
        check(!tokens.verifyDownloadToken(download, repositoryID: input + "x", digest: "sha256:0", now: now), "a download token for another repository")
    }

    /// EBS block tokens (GetSnapshotBlock's BlockToken).
    @Sendable static func blockToken(_ bytes: [UInt8]) {
        let input = text(bytes)
        let tokens = BlockTokens(key: key)
        _ = tokens.verify(input, snapshotID: "snap-0123456789abcdef0", index: 0, now: now)
        let token = tokens.make(snapshotID: input, index: Int64(bytes.count), expiry: now.addingTimeInterval(60))
        check(tokens.verify(token, snapshotID: input, index: Int64(bytes.count), now: now), "a block token is refused")
        check(!tokens.verify(token, snapshotID: input, index: Int64(bytes.count) + 1, now: now), "a block token for another block")
    }

    /// Repository names: whatever ECR Public's older pattern accepts, ECR's accepts too.
    @Sendable static func repositoryName(_ bytes: [UInt8]) {
        let input = text(bytes)
        if RepositoryNameRules.matches(input, registry: .public) {
            check(RepositoryNameRules.matches(input, registry: .private), "\(input.debugDescription) is a public name but not a private one")
        }
        _ = try? RepositoryNameRules.check(input, registry: .private, limits: .privateRegistry)
    }

    /// `X-Amz-Date` and `Date`: an accepted time reads back from the ISO 8601 basic text the verifier
    /// signs with.
    @Sendable static func requestTime(_ bytes: [UInt8]) {
        let input = text(bytes)
        if let stamp = SigV4Timestamp(iso8601Basic: input) {
            check(stamp.iso8601Basic == input, "\(input.debugDescription) read as \(stamp.iso8601Basic)")
        }
        if let stamp = SigV4Timestamp(rfc1123: input) {
            check(SigV4Timestamp(iso8601Basic: stamp.iso8601Basic) == stamp,
                  "\(input.debugDescription) read as \(stamp.epochSeconds) s, written \(stamp.iso8601Basic)")
        }
    }

    /// Glacier's timestamps (inventory StartDate and EndDate).
    @Sendable static func glacierDate(_ bytes: [UInt8]) {
        guard let date = ISO8601Timestamp.parse(text(bytes)) else { return }
        _ = ISO8601Timestamp.format(date)
    }

    /// Glacier header and query values: `x-amz-part-size`, `limit`, vault names, descriptions.
    @Sendable static func glacierHeader(_ bytes: [UInt8]) {
        let input = text(bytes)
        if let size = try? GlacierRules.partSize(input) {
            check(size >= GlacierRules.minPartSize && size <= GlacierRules.maxPartSize && size.nonzeroBitCount == 1, "part size \(size)")
        }
        if let limit = try? GlacierRules.limit(input, default: 1000) { check((1...1000).contains(limit), "limit \(limit)") }
        _ = try? GlacierRules.vaultName(input)
        if let description = try? GlacierRules.description(input) {
            check(input.hasSuffix(description) && !description.hasPrefix(" "), "description \(description.debugDescription)")
        }
    }

    /// Tag patterns and IAM action patterns. Input: the pattern, a newline, the text.
    @Sendable static func wildcard(_ bytes: [UInt8]) {
        let parts = lines(bytes)
        let pattern = parts[0], subject = parts.count > 1 ? parts[1] : ""
        for (question, ignoring) in [(false, false), (true, true)] {
            let glob = WildcardPattern(pattern: pattern, questionMarkIsWildcard: question, ignoresCase: ignoring)
            _ = glob.matches(subject)
            check(glob.matches(pattern), "\(pattern.debugDescription) does not match itself")
            check(WildcardPattern(pattern: "*", questionMarkIsWildcard: question, ignoresCase: ignoring).matches(subject), "* does not match \(subject.debugDescription)")
        }
    }

    /// A policy's principal and action entries.
    @Sendable static func policyEntry(_ bytes: [UInt8]) {
        let input = text(bytes)
        if case .account(let id)? = RepositoryPolicyPrincipal.aws(input) {
            check(id.utf8.count == 12 && id.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, "account \(id.debugDescription)")
        }
        _ = RepositoryPolicyActions.isValid(input)
    }
}
