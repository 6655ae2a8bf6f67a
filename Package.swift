// swift-tools-version:6.1
import PackageDescription

/// Upcoming language features hummingbird enables too (see ../shared/STYLE.md §2).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "lantern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lantern", targets: ["lantern"]),
        .executable(name: "lantern-bench", targets: ["lantern-bench"]),
        .executable(name: "lantern-conformance", targets: ["lantern-conformance"]),
        .executable(name: "lantern-k8s-bench", targets: ["lantern-k8s-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
    ],
    targets: [
        // C libraries: one small system-library target each.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        // libxcrypt: bcrypt verification for the web configuration's basic_auth_users.
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CPrefetch"),

        // Prometheus's remote read/write protocol (prompb): generated messages + snappy framing.
        .target(
            name: "Prompb",
            dependencies: ["CSnappy", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["proto"],
            swiftSettings: swiftSettings
        ),

        // The SQLite schema, embedded in the binary.
        .target(
            name: "Migrations",
            path: "migrations",
            exclude: ["README.md"],
            resources: [.embedInCode("V0001__init.sql"), .embedInCode("V0002__packed_chunks.sql"), .embedInCode("V0003__remote_write.sql"), .embedInCode("V0004__compressed_wal.sql")],
            swiftSettings: swiftSettings
        ),

        .target(name: "Model", swiftSettings: swiftSettings),
        // Graceful shutdown for every HTTP server (see GracefulServiceGroup for why).
        .target(
            name: "Lifecycle",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Config",
            dependencies: ["Model", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: ["Model", "CSQLite", "CPrefetch", "Migrations", "CCurl", "Prompb", .product(name: "SwiftProtobuf", package: "swift-protobuf"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Discovery",
            dependencies: ["Model", "Config", "CCurl", .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Scrape",
            dependencies: ["Model", "Config", "Storage", "CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Query",
            dependencies: [
                "Model", "Storage", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "Model", "Config", "Storage", "Discovery", "Scrape", "Query", "Prompb", "CCrypt", "Lifecycle",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "lantern",
            dependencies: [
                "Server", "Config", "Storage", "Model", "Query", "CZlib", "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "lantern-bench",
            dependencies: ["Storage", "Model", "Query", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Child process of StorageTests' durability test: commits, acknowledges, gets SIGKILLed.
        .executableTarget(
            name: "lantern-storage-crash-helper",
            dependencies: ["Storage", "Model", .product(name: "Logging", package: "swift-log")],
            path: "Tests/StorageCrashHelper",
            swiftSettings: swiftSettings
        ),

        // The fake Kubernetes API server and the fixture harness: tests, conformance CLI, benchmark.
        .target(
            name: "KubernetesConformance",
            dependencies: [
                "Discovery", "Config", "Model", "Lifecycle", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "lantern-k8s-bench",
            dependencies: ["KubernetesConformance", "Discovery", "Config", "Model", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "lantern-conformance",
            dependencies: [
                "Scrape", "Query", "Model", "KubernetesConformance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "ModelTests", dependencies: ["Model"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Model"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DiscoveryTests",
            dependencies: [
                "Discovery", "Config", "Model", "KubernetesConformance", "Lifecycle", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "Model", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ScrapeTests", dependencies: ["Scrape", "Model", "Config"], swiftSettings: swiftSettings),
        .testTarget(
            name: "QueryTests",
            dependencies: [
                "Query", "Storage", "Model",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExportTests",
            dependencies: ["Query", "Storage", "Model", "Prompb", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Scrape", "Storage", "Config", "Model", "Prompb", "Lifecycle",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // Seeded mutation fuzzing of every parser of untrusted input (docs/RELIABILITY.md, "Bad input").
        .testTarget(
            name: "FuzzTests",
            dependencies: [
                "Scrape", "Query", "Config", "Model", "Prompb", "Server",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Corpus"), .copy("Regressions")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Config", "Storage", "Model", "Query", "KubernetesConformance", "Prompb", "Lifecycle",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
