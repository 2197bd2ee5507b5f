import CLibFuzzer
import Foundation

/// Runs libFuzzer on `target` with this process's arguments (`-runs=N corpus/ …`) and exits
/// with its status: the last statement of every fuzz target's `main.swift`.
///
/// SwiftPM renames an executable's `main`, so libFuzzer's own `main` is never the entry
/// point; this calls its driver (`LLVMFuzzerRunDriver`) instead, which also calls
/// `LLVMFuzzerInitialize` when the target defines one.
///
/// ```swift
/// @_cdecl("LLVMFuzzerTestOneInput")
/// public func fuzzCursor(_ start: UnsafeRawPointer, _ count: Int) -> CInt { … }
/// fuzzMain(fuzzCursor)
/// ```
public func fuzzMain(_ target: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    // The same C function type; libFuzzer never passes a null pointer (an empty input too
    // is a buffer of its own).
    let callback = unsafeBitCast(target, to: (@convention(c) (UnsafePointer<UInt8>?, Int) -> CInt).self)
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

/// Ends the run with `message` unless `condition` holds: a finding. Unlike `precondition`,
/// whose message an optimized build drops, the message reaches the fuzzer's log.
public func fuzzRequire(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
