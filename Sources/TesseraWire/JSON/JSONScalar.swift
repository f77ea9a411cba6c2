/// A JSON value that is not an object or an array, as ``StreamingJSONObjectReader`` keeps it.
public enum JSONScalar: Sendable, Equatable {
    case string(String)
    /// The number's text exactly as sent (`12`, `-3.5e2`); the caller converts it.
    case number(String)
    case bool(Bool)
    case null

    /// The string, or nil for any other kind of value.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as a 64-bit integer: a number written without fraction or exponent, in range; nil otherwise.
    public var int64: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }
}
