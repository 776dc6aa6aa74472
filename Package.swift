// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "SyslogSwift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "syslog-swift", targets: ["syslog-swift"]),
    ],
    targets: [
        // System libraries
        .systemLibrary(name: "CPython", pkgConfig: "python3-embed",
                       providers: [.apt(["libpython3.11-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8",
                       providers: [.apt(["libpcre2-dev"])]),

        // Core libraries (one-way: message <- config/templates <- core <- drivers <- daemon)
        .target(name: "SyslogMessage"),
        .target(name: "SyslogConfig"),
        .target(name: "SyslogTemplates", dependencies: ["SyslogMessage"]),
        .target(name: "SyslogFilters", dependencies: ["SyslogMessage", "SyslogConfig", "CPCRE2"]),
        .target(name: "SyslogCore",
                dependencies: ["SyslogMessage", "SyslogConfig", "SyslogTemplates", "SyslogFilters"]),
        .target(name: "SyslogFile", dependencies: ["SyslogCore"]),
        .target(name: "SyslogPython", dependencies: ["CPython"]),
        .target(name: "SyslogDaemon",
                dependencies: ["SyslogCore", "SyslogFile", "SyslogPython"]),
        .executableTarget(name: "syslog-swift", dependencies: ["SyslogDaemon"]),

        .testTarget(name: "SyslogMessageTests", dependencies: ["SyslogMessage"]),
        .testTarget(name: "SyslogConfigTests", dependencies: ["SyslogConfig"]),
        .testTarget(name: "SyslogTemplatesTests", dependencies: ["SyslogTemplates"]),
        .testTarget(name: "SyslogFiltersTests", dependencies: ["SyslogFilters"]),
        .testTarget(name: "SyslogCoreTests", dependencies: ["SyslogCore"]),
        .testTarget(name: "SyslogPythonTests", dependencies: ["SyslogPython"]),
        .testTarget(name: "SyslogDaemonTests", dependencies: ["SyslogDaemon"]),
    ]
)
