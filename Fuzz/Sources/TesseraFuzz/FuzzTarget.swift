/// One fuzz target: a parser of client bytes and the invariants its results must keep.
struct FuzzTarget: Sendable {
    /// The name on the command line, and the directory of its seeds under Fuzz/corpus.
    let name: String
    /// libFuzzer's `-max_len`: the longest input worth trying; longer ones only slow the search.
    let maxLength: Int
    /// What the target feeds, in a line.
    let summary: String
    /// Checks one input; traps (``check(_:_:file:line:)``) when an invariant breaks.
    let body: @Sendable ([UInt8]) -> Void

    /// Every target, in the order scripts/fuzz runs them.
    static let all: [FuzzTarget] = [
        sigV4Authorization, sigV4Presigned, sigV4Request,
        contentRange, ec2Query, jsonShapes, jsonStream,
        policyJSON, repositoryPolicy, lifecyclePolicy, imageManifest, wireValues,
    ]

    static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// Stops the process when `condition` is false; libFuzzer reports that as a crash and saves the input.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
           file: StaticString = #fileID, line: UInt = #line) {
    if !condition() {
        fatalError("invariant broken: \(message())", file: file, line: line)
    }
}

/// The input as text, the way a server reads a header or a body: UTF-8, bad sequences replaced.
func text(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// The input split at each `\n` byte (empty lines kept), for targets whose inputs have several parts;
/// the seeds stay readable that way.
func lines(_ bytes: [UInt8]) -> [String] {
    bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { text($0) }
}
