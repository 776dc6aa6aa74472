// swift-tools-version: 6.0
import PackageDescription

/// Release builds skip Swift's dynamic exclusivity checks: the hot path (message values, render
/// buffers) is single-owner by design, and the checks cost ~15% of throughput.
/// Each function in a section of its own, so the linker can order them (see `releaseLinking`).
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization",
                                          "-Xfrontend", "-function-sections"], .when(configuration: .release))]

/// How the release binary is linked, for resident memory (measured with Benchmarks/rss_map.py):
/// - lld with RELR relocations: 40,000 relative relocations take 9 KiB instead of 1 MiB, all
///   of which the loader read at start-up;
/// - no dynamic symbol table for the daemon's own symbols (the static runtime's link file asks
///   for `-export-dynamic`; nothing loads against the executable): 1.3 MiB less mapped;
/// - functions that run first in the text, hottest first (`symbol-order.txt`, made by
///   `scripts/symbol-order.py`), so the pages the kernel maps around each fault hold code that
///   runs rather than the rest of the 9 MiB of text.
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-use-ld=lld",
                  "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                  "-Xlinker", "--no-export-dynamic",
                  "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/syslog-swift/symbol-order.txt",
                  "-Xlinker", "--no-warn-symbol-ordering"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "SyslogSwift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "syslog-swift", targets: ["syslog-swift"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System libraries
        // Python's headers (`python-3.11`: compile flags only); libpython itself is opened at run
        // time by CPythonLoader when a configuration uses Python.
        .systemLibrary(name: "CPython", pkgConfig: "python-3.11",
                       providers: [.apt(["libpython3.11-dev"])]),
        .target(name: "CPythonLoader", dependencies: ["CPython"]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8",
                       providers: [.apt(["libpcre2-dev"])]),

        // Core libraries (one-way: message <- config/templates/filters <- core <- drivers <- daemon)
        // C helpers: TSC-based timestamps (rdtsc, thread-locals), thread names.
        .target(name: "CSystemShims"),
        .target(name: "SyslogMessage", dependencies: ["CSystemShims"], swiftSettings: fast),
        .target(name: "SyslogConfig"),
        .target(name: "SyslogTemplates", dependencies: ["SyslogMessage"], swiftSettings: fast),
        .target(name: "SyslogFilters", dependencies: ["SyslogMessage", "SyslogConfig", "SyslogTemplates", "CPCRE2"],
                swiftSettings: fast),
        .target(name: "SyslogCore",
                dependencies: ["SyslogMessage", "SyslogConfig", "SyslogTemplates", "SyslogFilters", "CSystemShims"],
                swiftSettings: fast),
        .target(name: "SyslogFile", dependencies: ["SyslogCore", "SyslogFilters"], swiftSettings: fast),
        // Network sources (SwiftNIO event loops, I/O only) and destinations.
        .target(name: "SyslogNetwork",
                dependencies: ["SyslogCore", .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl")],
                swiftSettings: fast),
        // The embedding runtime: the only way in is the GIL token (Python.attach / Python.entry).
        .target(name: "SyslogPythonRuntime", dependencies: ["CPython", "CPythonLoader", "SyslogCore"], swiftSettings: fast),
        // The _syslogng native types and the Python drivers, on top of the runtime.
        .target(name: "SyslogPython", dependencies: ["CPython", "SyslogCore", "SyslogPythonRuntime"], swiftSettings: fast),
        // Message parsers (csv, kv, regexp, json) and rewrite rules (set, subst, tags, …).
        .target(name: "SyslogParsers", dependencies: ["SyslogCore", "SyslogFilters", "SyslogTemplates"], swiftSettings: fast),
        .target(name: "SyslogDaemon", dependencies: ["SyslogCore", "SyslogFile", "SyslogNetwork", "SyslogPython", "SyslogParsers"],
                swiftSettings: fast),
        // The test harness: golden folders run in-process or through the binary.
        .target(name: "SyslogTesting", dependencies: ["SyslogDaemon", "SyslogFile", "SyslogCore", "SyslogConfig"]),
        // Release: the Swift runtime linked statically (about 3 MiB less resident memory).
        // jemalloc: messages are allocated on source threads and freed on destination threads;
        // glibc's malloc serialises those cross-thread frees on arena locks (1.6x slower).
        .target(name: "CAllocatorConfig"),
        .executableTarget(name: "syslog-swift", dependencies: ["SyslogDaemon", "SyslogPythonRuntime", "CAllocatorConfig"],
                          exclude: ["symbol-order.txt"],
                          linkerSettings: releaseLinking + [.linkedLibrary("jemalloc")]),

        .testTarget(name: "SyslogMessageTests", dependencies: ["SyslogMessage"]),
        .testTarget(name: "SyslogConfigTests", dependencies: ["SyslogConfig"]),
        .testTarget(name: "SyslogTemplatesTests", dependencies: ["SyslogTemplates"]),
        .testTarget(name: "SyslogFiltersTests", dependencies: ["SyslogFilters"]),
        .testTarget(name: "SyslogCoreTests", dependencies: ["SyslogCore"]),
        .testTarget(name: "SyslogFileTests", dependencies: ["SyslogFile"]),
        .testTarget(name: "SyslogNetworkTests", dependencies: ["SyslogNetwork", "SyslogCore",
                                                               .product(name: "NIOCore", package: "swift-nio"),
                                                               .product(name: "NIOEmbedded", package: "swift-nio"),
                                                               .product(name: "NIOTestUtils", package: "swift-nio")]),
        .testTarget(name: "SyslogPythonRuntimeTests", dependencies: ["SyslogPythonRuntime"]),
        .testTarget(name: "SyslogDaemonTests", dependencies: ["SyslogDaemon", "SyslogCore", "SyslogTesting"]),
    ]
)
