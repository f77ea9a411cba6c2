/// Part sizes for Glacier: a power of two times 1 MiB, from 1 MiB to 4 GiB, at most 10,000 parts per archive.
public enum GlacierPartSize {
    public static let minimum: Int64 = 1 << 20
    public static let maximum: Int64 = 4 << 30
    public static let maximumParts: Int64 = 10_000
    /// The smallest size the client picks by itself: big enough that per-request costs vanish, small enough
    /// that concurrency × size stays modest.
    public static let preferredMinimum: Int64 = 16 << 20
    /// For a stream of unknown length: 32 MiB parts carry up to 312.5 GiB.
    public static let forStreams: Int64 = 32 << 20

    /// Whether `size` is one Glacier takes.
    public static func isValid(_ size: Int64) -> Bool {
        size >= minimum && size <= maximum && size % minimum == 0 && (size / minimum).nonzeroBitCount == 1
    }

    /// The part size for an archive of `archiveSize` bytes (nil: a stream): `requested` if given and valid for
    /// it; else the smallest power of two of at least ``preferredMinimum`` that needs at most 10,000 parts.
    public static func choose(archiveSize: Int64?, requested: Int64?) throws -> Int64 {
        if let requested {
            guard isValid(requested) else { throw GlacierPartSizeError.invalid(requested) }
            if let archiveSize, (archiveSize + requested - 1) / requested > maximumParts {
                throw GlacierPartSizeError.tooManyParts(archiveSize: archiveSize, partSize: requested)
            }
            return requested
        }
        guard let archiveSize else { return forStreams }
        var size = preferredMinimum
        while (archiveSize + size - 1) / size > maximumParts {
            guard size < maximum else { throw GlacierPartSizeError.archiveTooLarge(archiveSize) }
            size *= 2
        }
        return size
    }
}

public enum GlacierPartSizeError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(Int64)
    case tooManyParts(archiveSize: Int64, partSize: Int64)
    case archiveTooLarge(Int64)

    public var description: String {
        switch self {
        case .invalid(let size):
            "--part-size \(size) is not a Glacier part size: use 1 MiB (1048576) times a power of two, up to 4 GiB"
        case .tooManyParts(let archive, let part):
            "\(archive) bytes in parts of \(part) would be more than 10,000 parts: choose a larger --part-size"
        case .archiveTooLarge(let archive):
            "\(archive) bytes is more than Glacier's largest archive (10,000 parts of 4 GiB)"
        }
    }
}
