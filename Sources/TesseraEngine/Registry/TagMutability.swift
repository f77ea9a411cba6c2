import Foundation

/// Whether a tag may move to another image: a repository's `imageTagMutability` with its exclusion filters.
/// `IMMUTABLE_WITH_EXCLUSION` makes every tag immutable except those a filter matches; `MUTABLE_WITH_EXCLUSION`
/// the reverse. A `WILDCARD` filter is a tag with `*` standing for any run of characters (ECR API reference,
/// `ImageTagMutabilityExclusionFilter`: at most 5 filters, each `^[0-9a-zA-Z._*-]{1,128}$`).
public struct TagMutability: Sendable, Equatable {
    public static let settings = ["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"]

    public let setting: String
    public let filters: [String]

    /// Checks a setting and its filters; the filters are required exactly for the `…_WITH_EXCLUSION` settings.
    public init(setting: String, filters: [ExclusionFilter]?) throws(RegistryError) {
        guard Self.settings.contains(setting) else {
            throw .invalidParameter(member: "imageTagMutability", constraint: "must be one of \(Self.settings.joined(separator: ", "))")
        }
        let withExclusion = setting.hasSuffix("_WITH_EXCLUSION")
        let given = filters ?? []
        if withExclusion {
            guard (1...5).contains(given.count) else {
                throw .invalidParameter(member: "imageTagMutabilityExclusionFilters",
                                        constraint: "\(setting) needs between 1 and 5 exclusion filters")
            }
        } else if !given.isEmpty {
            throw .invalidParameter(member: "imageTagMutabilityExclusionFilters",
                                    constraint: "exclusion filters are only allowed with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION")
        }
        for filter in given {
            guard filter.filterType == "WILDCARD" else {
                throw .invalidParameter(member: "imageTagMutabilityExclusionFilters.filterType", constraint: "must be WILDCARD")
            }
            guard (1...128).contains(filter.filter.utf8.count), filter.filter.utf8.allSatisfy(Self.isFilterByte) else {
                throw .invalidParameter(member: "imageTagMutabilityExclusionFilters.filter",
                                        constraint: "must satisfy regular expression '^[0-9a-zA-Z._*-]{1,128}$'")
            }
        }
        self.setting = setting
        self.filters = given.map(\.filter)
    }

    /// A setting as stored with a repository (checked when it was set).
    public init(stored setting: String, filters: [String]) {
        self.setting = setting
        self.filters = filters
    }

    /// Whether `tag`, once it points at an image, may be pointed at another.
    public func allowsMoving(_ tag: String) -> Bool {
        let excluded = filters.contains { WildcardPattern(pattern: $0, questionMarkIsWildcard: false, ignoresCase: false).matches(tag) }
        switch setting {
        case "IMMUTABLE": return false
        case "IMMUTABLE_WITH_EXCLUSION": return excluded
        case "MUTABLE_WITH_EXCLUSION": return !excluded
        default: return true
        }
    }

    /// The filters as ECR's JSON list (stored with the repository), or nil when there are none.
    public var filtersJSON: String? {
        guard !filters.isEmpty else { return nil }
        let list = filters.map { ExclusionFilter(filterType: "WILDCARD", filter: $0) }
        return (try? JSONEncoder().encode(list)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Filters from their stored JSON list.
    public static func filters(fromJSON json: String?) -> [ExclusionFilter]? {
        guard let json else { return nil }
        return try? JSONDecoder().decode([ExclusionFilter].self, from: Data(json.utf8))
    }

    private static func isFilterByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "-")
    }

    /// One exclusion filter as the API carries it.
    public struct ExclusionFilter: Codable, Sendable, Equatable {
        public var filterType: String
        public var filter: String

        public init(filterType: String, filter: String) {
            self.filterType = filterType
            self.filter = filter
        }
    }
}
