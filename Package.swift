// swift-tools-version: 6.2
// The host build of olic: the same core sources that the Makefile compiles in
// Embedded mode into build/libolic.a, built here as an ordinary library for
// `swift test` and the tools.
import PackageDescription

let package = Package(
  name: "olic",
  products: [
    .library(name: "OfflineLicensing", targets: ["OfflineLicensing"]),
    .executable(name: "olic", targets: ["olic"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
  ],
  targets: [
    .systemLibrary(name: "COlic", path: "include"),
    .systemLibrary(
      name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"])]),
    // The core's private fault-hardening primitives (launders, the platform hook).
    .systemLibrary(name: "COlicHarden", path: "Sources/COlicHarden"),
    // OLIC_FAULT_TESTING: debug builds (swift test) may make a twin check
    // disagree, to test the fault paths on a host; release tools cannot.
    .target(
      name: "OfflineLicensing", dependencies: ["COlic", "CSodium", "COlicHarden"],
      swiftSettings: [.define("OLIC_FAULT_TESTING", .when(configuration: .debug))]),
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]),
    // The CLI's key custody: libcrypto for key files, p11-kit's header for PKCS#11.
    .systemLibrary(
      name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CPKCS11", path: "Sources/CPKCS11", providers: [.apt(["libp11-kit-dev"])]),
    .executableTarget(
      name: "olic",
      dependencies: [
        "OfflineLicensing", "COlic", "CCrypto", "CPKCS11", "CSodium", "CSQLite",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(
      name: "OfflineLicensingTests", dependencies: ["OfflineLicensing", "COlic", "CSodium"]),
  ]
)
