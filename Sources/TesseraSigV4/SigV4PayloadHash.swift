/// How the request body is covered by a verified signature, and hence what the caller must still check.
public enum SigV4PayloadHash: Sendable, Equatable {
    /// `UNSIGNED-PAYLOAD`: the body is not covered; nothing to check.
    case unsigned
    /// The lower-cased 64-hex value of `x-amz-content-sha256`. The signature covered this value, not the body:
    /// the caller must check it against the SHA-256 of the body it reads (and reject on mismatch).
    case sha256Hex(String)
    /// No `x-amz-content-sha256` header was sent: the signature covered the hex SHA-256 of the body itself, and the
    /// verifier used the `bodySHA256Hex` the caller passed (or the empty-body hash if it passed nil). Nothing more
    /// to check if the caller passed the real body hash; if it passed nil, the body must be empty.
    case notGiven
}
