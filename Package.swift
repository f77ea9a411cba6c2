// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tessera", targets: ["TesseraCLI"]),
        .library(name: "TesseraClient", targets: ["TesseraClient"]),
        // The modules that parse client bytes, for the fuzz package in Fuzz/ (docs/fuzzing.md).
        .library(name: "TesseraParsers", targets: ["TesseraCore", "TesseraSigV4", "TesseraWire", "TesseraEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Optimised even in debug builds: at -O0 hashing runs at a sixth of its speed, and the tests hash layers.
        .target(name: "CTesseraSHA256", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "TesseraCore", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // Kept apart from TesseraCore so that nothing a client links carries CTesseraSHA256's unsafe flags
        // (SwiftPM refuses them in a dependency package).
        .target(name: "TesseraResumableSHA256", dependencies: ["CTesseraSHA256", "TesseraCore"], swiftSettings: strict),
        .target(name: "TesseraSigV4", dependencies: [
            "TesseraCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "TesseraWire", dependencies: ["TesseraCore"], swiftSettings: strict),
        .target(name: "TesseraStorage", dependencies: [
            "TesseraCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraEngine", dependencies: [
            "TesseraCore", "TesseraStorage", "TesseraResumableSHA256",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "CTesseraLinux"),
        .target(name: "TesseraBlobStoreFileSystem", dependencies: [
            "TesseraCore", "TesseraStorage", "CTesseraLinux",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], swiftSettings: strict),
        // Blobs in an S3 bucket, shared by the nodes of a cluster (docs/s3-blobs.md).
        .target(name: "TesseraBlobStoreS3", dependencies: [
            "TesseraCore", "TesseraStorage", "TesseraClient",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // The metadata store's queries and schema, on SQLKit alone; the two leaves below supply the database.
        .target(name: "TesseraMetadataSQL", dependencies: [
            "TesseraCore", "TesseraStorage",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "TesseraMetadataSQLite", dependencies: [
            "TesseraMetadataSQL", "TesseraStorage",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraMetadataPostgres", dependencies: [
            "TesseraMetadataSQL", "TesseraStorage",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "PostgresKit", package: "postgres-kit"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "TesseraFrontDoor", dependencies: [
            "TesseraCore", "TesseraWire",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraGlacierAPI", dependencies: [
            "TesseraCore", "TesseraWire", "TesseraStorage", "TesseraEngine", "TesseraFrontDoor",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraEBSAPI", dependencies: [
            "TesseraCore", "TesseraWire", "TesseraStorage", "TesseraEngine", "TesseraFrontDoor",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraECRAPI", dependencies: [
            "TesseraCore", "TesseraWire", "TesseraStorage", "TesseraEngine", "TesseraFrontDoor",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "TesseraOCIAPI", dependencies: [
            "TesseraCore", "TesseraWire", "TesseraStorage", "TesseraEngine", "TesseraFrontDoor",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraServer", dependencies: [
            "TesseraCore", "TesseraSigV4", "TesseraWire", "TesseraStorage", "TesseraEngine",
            "TesseraBlobStoreFileSystem", "TesseraBlobStoreS3", "TesseraMetadataSQL", "TesseraMetadataSQLite", "TesseraMetadataPostgres", "TesseraGlacierAPI", "TesseraEBSAPI", "TesseraECRAPI", "TesseraOCIAPI", "TesseraFrontDoor",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "TesseraClient", dependencies: [
            "TesseraCore", "TesseraSigV4", "TesseraWire",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .executableTarget(name: "TesseraCLI", dependencies: [
            "TesseraServer", "TesseraClient", "TesseraCore", "TesseraWire", "CTesseraLinux", "TesseraMetadataPostgres", "TesseraBlobStoreS3",
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict, plugins: ["BuildInfoPlugin"]),
        .target(name: "TesseraTestSupport", dependencies: [
            "TesseraCore", "TesseraStorage", "TesseraBlobStoreFileSystem", "TesseraMetadataSQL", "TesseraMetadataSQLite",
            "TesseraMetadataPostgres",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "TesseraCoreTests", dependencies: [
            "TesseraCore", "TesseraResumableSHA256", "TesseraTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TesseraWireTests", dependencies: ["TesseraWire"]),
        .testTarget(name: "TesseraClientTests", dependencies: [
            "TesseraClient", "TesseraCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "TesseraSigV4Tests", dependencies: ["TesseraSigV4"], exclude: ["Fixtures"]),
        .testTarget(name: "TesseraStorageTests", dependencies: [
            "TesseraStorage", "TesseraTestSupport", "TesseraBlobStoreFileSystem", "TesseraBlobStoreS3", "TesseraClient", "TesseraMetadataSQL", "TesseraMetadataSQLite",
            "TesseraMetadataPostgres", "TesseraCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "SQLKit", package: "sql-kit"),
        ]),
        .testTarget(name: "TesseraEngineTests", dependencies: [
            "TesseraEngine", "TesseraResumableSHA256", "TesseraTestSupport", "TesseraStorage", "TesseraCore", "TesseraMetadataSQL",
            "TesseraMetadataSQLite",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The fuzz targets' kept inputs, replayed without libFuzzer; the target sources are Fuzz/'s, linked in.
        .testTarget(name: "TesseraFuzzSeedTests", dependencies: [
            "TesseraCore", "TesseraSigV4", "TesseraWire", "TesseraEngine",
        ]),
        .testTarget(name: "TesseraServerTests", dependencies: [
            "TesseraServer", "TesseraTestSupport", "TesseraSigV4", "TesseraCore", "TesseraFrontDoor",
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
