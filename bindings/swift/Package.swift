// swift-tools-version:5.9
// The Swift face of b24kit: the uniffi-generated sources (Sources/, never edited by hand) over the
// Rust library, packaged as an XCFramework named B24kitFFI.xcframework beside this file (see the
// README: `bash build-xcframework.sh` on a Mac with the Rust iOS/macOS targets installed).
import PackageDescription

let package = Package(
    name: "B24kit",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "B24kit", targets: ["B24kit"]),
    ],
    targets: [
        // The Rust library with the C header and module map of Sources/B24kitFFI/include.
        .binaryTarget(name: "B24kitFFI", path: "B24kitFFI.xcframework"),
        .target(name: "B24kit", dependencies: ["B24kitFFI"], path: "Sources/B24kit"),
    ]
)
