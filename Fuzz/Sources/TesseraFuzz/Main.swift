import CLibFuzzer
import Foundation

/// The target this process fuzzes, chosen once in ``fuzzMain`` before libFuzzer starts (libFuzzer runs
/// one input at a time on one thread).
nonisolated(unsafe) private var chosen: FuzzTarget?

/// The environment variable that names the target to child processes libFuzzer starts (`-fork`,
/// `-merge`, `-minimize_crash`), whose command lines no longer carry the name.
private let targetVariable = "TESSERA_FUZZ_TARGET"

/// The process's `main`: SwiftPM links an executable's `main` to `<module>_main`, which replaces the
/// `main` libFuzzer brings.
///
/// `TesseraFuzz TARGET [libFuzzer options and corpus directories or input files]`;
/// `TesseraFuzz list` prints each target's name, its `-max_len` and what it fuzzes.
@_cdecl("TesseraFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var arguments = (0..<Int(argc)).map { argv[$0] }
    let first = arguments.count > 1 ? arguments[1].map { String(cString: $0) } : nil
    if first == "list" {
        for target in FuzzTarget.all {
            print("\(target.name) \(target.maxLength) \(target.summary)")
        }
        return 0
    }
    if let first, let target = FuzzTarget.named(first) {
        chosen = target
        arguments.remove(at: 1)
        setenv(targetVariable, first, 1)
    } else if let name = getenv(targetVariable).map({ String(cString: $0) }), let target = FuzzTarget.named(name) {
        chosen = target
    } else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(Data(("usage: TesseraFuzz TARGET [libFuzzer options] [corpus directories or inputs]\n"
            + "       TesseraFuzz list\ntargets: \(names)\n").utf8))
        return 2
    }
    var count = CInt(arguments.count)
    arguments.append(nil)
    return arguments.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress
        return LLVMFuzzerRunDriver(&count, &pointer, testOneInput)
    }
}

/// libFuzzer's callback: one input for the chosen target. Exported under the name libFuzzer's own `main`
/// expects, which keeps that `main` linkable (it is replaced, not used); it would find the target in the
/// environment.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if chosen == nil, let name = getenv(targetVariable).map({ String(cString: $0) }) {
        chosen = FuzzTarget.named(name)
    }
    guard let target = chosen else { fatalError("no fuzz target chosen: set \(targetVariable)") }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.body(bytes)
    return 0
}
