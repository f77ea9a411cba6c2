import Foundation
import Testing

/// Every fuzz target (docs/fuzzing.md), fed each input kept in `Fuzz/corpus/TARGET/` — the seeds and the inputs
/// of every crash found so far — in an ordinary test run, without libFuzzer or AddressSanitizer. The target
/// definitions are the fuzz package's own source files (linked into this directory), so a change to a parser
/// that breaks an invariant on a kept input fails here: a broken ``check(_:_:file:line:)`` stops the process
/// with the invariant's message. `scripts/fuzz` runs the same targets under libFuzzer to search for new inputs.
struct FuzzSeedReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fuzz/corpus").standardized

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everyKeptInputPasses(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let directory = Self.corpus.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!files.isEmpty, "Fuzz/corpus/\(name) holds the target's seeds")
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file)))
            target.body(bytes)
        }
    }
}
