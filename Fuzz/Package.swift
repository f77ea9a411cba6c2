// swift-tools-version:6.0
import Foundation
import PackageDescription

// The fuzz targets of docs/fuzzing.md: one libFuzzer binary, built by scripts/fuzz with
// `-sanitize=fuzzer,address` into its own scratch directory (never the main package's .build).
//
// The parsers come from the enclosing package by path. SwiftPM names a path dependency after its
// directory, which differs between clones, hence the name is computed.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let tessera = root.lastPathComponent.lowercased()

let package = Package(
    name: "TesseraFuzz",
    dependencies: [
        .package(path: root.path),
    ],
    targets: [
        // Declares libFuzzer's driver, which `-sanitize=fuzzer` links in.
        .target(name: "CLibFuzzer"),
        // No top-level code: the entry point is `TesseraFuzz_main` (Main.swift), which SwiftPM makes the
        // executable's `main`; it picks the target named by the first argument and runs libFuzzer's driver.
        .executableTarget(
            name: "TesseraFuzz",
            dependencies: ["CLibFuzzer", .product(name: "TesseraParsers", package: tessera)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ],
    swiftLanguageModes: [.v6]
)
