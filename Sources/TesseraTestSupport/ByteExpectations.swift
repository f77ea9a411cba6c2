import Testing

/// Compares byte arrays the way a failing test wants to read them: lengths and the first differing offset,
/// never megabytes of numbers (which Swift Testing would otherwise render, slowly, in full).
public func expectSameBytes(_ actual: [UInt8], _ expected: [UInt8], _ comment: @autoclosure () -> String = "",
                            sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let firstDifference = (0..<min(actual.count, expected.count)).first { actual[$0] != expected[$0] } ?? min(actual.count, expected.count)
    Issue.record("""
        bytes differ\(comment().isEmpty ? "" : " (\(comment()))"): got \(actual.count) bytes, expected \(expected.count); \
        first difference at offset \(firstDifference)
        """, sourceLocation: sourceLocation)
}
