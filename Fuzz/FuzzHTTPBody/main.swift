// Fuzzes the server's request bodies (JSON: datasets, labels and their renames, samples with
// labels and boxes, confirm/reject/delete lists, hard marks, tasks, continuous mode, model
// registration) through the real router (FuzzServerSupport.InProcessServer): decoding, the
// conversion into commands and their decision. Every answer is below 500, and every refusal
// names a stable code.
//
// Input: byte 0 picks a route (`routes`), the rest is the body as sent; `$D`, `$B` name the seeded
// datasets, `$S0`…`$S5` their samples. Writes pile up, so the server starts over on a fresh data directory every
// `restartEvery` inputs (a finding then depends on at most that many inputs before it).
import Foundation
import FuzzServerSupport
import FuzzSupport
import HTTPTypes

let routes: [(HTTPRequest.Method, String)] = [
    (.post, "/v2/demo/datasets"),
    (.post, "/v2/demo/datasets/$D/data-annotations/labels"),
    (.put, "/v2/demo/datasets/$B/data-annotations/labels"),
    (.post, "/v2/demo/datasets/$D/data-annotations/samples"),
    (.post, "/v2/demo/datasets/$B/data-annotations/samples"),
    (.put, "/v2/demo/datasets/$D/data-annotations/samples"),
    (.put, "/v2/demo/datasets/$B/data-annotations/samples"),
    (.post, "/v2/demo/datasets/$D/data-annotations/samples/delete"),
    (.post, "/v2/demo/datasets/$D/data-annotations/samples/confirm"),
    (.post, "/v2/demo/datasets/$B/data-annotations/samples/reject"),
    (.post, "/v2/demo/datasets/$B/data-annotations/samples/hard"),
    (.post, "/v2/demo/datasets/$D/tasks"),
    (.put, "/v2/demo/datasets/$D/auto-annotations/continuous"),
    (.post, "/v2/demo/models"),
]

let restartEvery = 2_000
nonisolated(unsafe) var inputs = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPBody(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    inputs += 1
    if inputs % restartEvery == 0 { InProcessServer.restart() }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let server = InProcessServer.shared
    let (method, path) = routes[Int(input[0]) % routes.count]
    var body = Data(input.dropFirst())
    if let text = String(data: body, encoding: .utf8) { body = Data(server.expand(text).utf8) }
    let reply = server.call(method, server.expand(path), body: body)
    InProcessServer.check(reply, "\(method) \(path) with \(String(decoding: body.prefix(300), as: UTF8.self))")
    return 0
}

fuzzMain(fuzzHTTPBody)
