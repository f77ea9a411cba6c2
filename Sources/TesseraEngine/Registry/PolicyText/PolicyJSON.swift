import Foundation

/// A JSON value as the ECR policy parsers read it.
///
/// Whole numbers written without a fraction or exponent are kept apart from other numbers, so a
/// field whose schema says "integer" (`rulePriority`, `countNumber`) can refuse `1.5` or `1e2` the
/// way a JSON-schema validator does.
enum PolicyJSON: Equatable, Sendable {
    case null
    case boolean(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([PolicyJSON])
    case object([String: PolicyJSON])

    /// Parses strict JSON text (see `PolicyJSONParser`); nil when the text is not that.
    static func parse(_ text: String) -> PolicyJSON? {
        PolicyJSONParser.parse(text)
    }

    /// The JSON-schema name of this value's type, as schema validators word it in their errors.
    var typeName: String {
        switch self {
        case .null: "null"
        case .boolean: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The members, when this is an object.
    var objectValue: [String: PolicyJSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, when this is an array.
    var arrayValue: [PolicyJSON]? {
        if case .array(let elements) = self { return elements }
        return nil
    }
}
