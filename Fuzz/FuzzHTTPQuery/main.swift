// Fuzzes the server's query strings (sample filters, score ranges, cursors, as_of_position /
// as_of_time, paging, history and task filters, thumbnail sizes) through the real router
// (FuzzServerSupport.InProcessServer): every answer is below 500, and every refusal names a
// stable code.
//
// Input: byte 0 picks a GET route (`routes`), the rest is its query string, sent as a client
// would (bytes a request line cannot carry percent-encoded). `$D`, `$B` name the seeded
// datasets, `$S0`…`$S5` their samples. Reads change nothing, so an input answers the same
// whenever it runs.
import Foundation
import FuzzServerSupport
import FuzzSupport

let routes = [
    "/v2/demo/datasets",
    "/v2/demo/datasets/$D",
    "/v2/demo/datasets/$D/data-annotations/stats",
    "/v2/demo/datasets/$D/data-annotations/labels",
    "/v2/demo/datasets/$D/data-annotations/samples",
    "/v2/demo/datasets/$B/data-annotations/samples",
    "/v2/demo/datasets/$D/auto-annotations/samples",
    "/v2/demo/datasets/$D/data-annotations/samples/$S0",
    "/v2/demo/datasets/$B/data-annotations/samples/$S3/history",
    "/v2/demo/datasets/$D/data-annotations/samples/$S1/thumbnail",
    "/v2/demo/datasets/$D/tasks",
    "/v2/demo/datasets/$B/history",
    "/v2/demo/datasets/$D/auto-annotations/continuous",
    "/v2/demo/models",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPQuery(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let server = InProcessServer.shared
    let query = InProcessServer.requestTarget(input.dropFirst())
    let target = server.expand(routes[Int(input[0]) % routes.count] + "?" + query)
    let reply = server.call(.get, target)
    InProcessServer.check(reply, "GET \(target)")
    if reply.status == 200, reply.headers[.contentType]?.hasPrefix("application/json") == true {
        fuzzRequire((try? JSONSerialization.jsonObject(with: reply.body)) != nil, "GET \(target) answered 200 with a body that is not JSON")
    }
    return 0
}

fuzzMain(fuzzHTTPQuery)
