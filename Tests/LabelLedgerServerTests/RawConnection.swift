import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a local server, for the bytes an HTTP client library would
/// never send (a malformed request line, oversized headers) and for watching the server
/// close a connection. Blocking calls; use it inside `Blocking.run`.
struct RawConnection {
    let descriptor: Int32

    /// Connects to `port` on the loopback interface (IPv4, then IPv6: a server bound to
    /// "localhost" listens on one of them).
    static func open(port: Int) throws -> RawConnection {
        var ipv4 = sockaddr_in()
        ipv4.sin_family = sa_family_t(AF_INET)
        ipv4.sin_port = in_port_t(UInt16(port).bigEndian)
        ipv4.sin_addr.s_addr = inet_addr("127.0.0.1")
        var ipv6 = sockaddr_in6()
        ipv6.sin6_family = sa_family_t(AF_INET6)
        ipv6.sin6_port = in_port_t(UInt16(port).bigEndian)
        ipv6.sin6_addr = in6addr_loopback
        for family in [AF_INET, AF_INET6] {
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { continue }
            let connected = family == AF_INET
                ? withUnsafePointer(to: &ipv4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                : withUnsafePointer(to: &ipv6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
            if connected == 0 { return RawConnection(descriptor: fd) }
            Glibc.close(fd)
        }
        throw POSIXError(.ECONNREFUSED)
    }

    /// Sends all of `bytes`; stops quietly when the server has closed its side (it may
    /// answer and close before reading an oversized request to the end).
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Reads until the server closes the connection or `deadline` passes.
    /// - Returns: what was read, and whether the server closed the connection.
    func readUntilClosed(deadline: ContinuousClock.Instant) -> (bytes: Data, closed: Bool) {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return (received, true) }
            received.append(contentsOf: buffer[0..<count])
        }
        return (received, false)
    }

    func close() { Glibc.close(descriptor) }
}

/// An HTTP/1.1 response as read off the wire.
struct RawResponse {
    var statusLine: String
    var headers: [String]
    var body: Data

    init?(_ bytes: Data) {
        guard let end = bytes.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        statusLine = head[0]
        headers = Array(head.dropFirst())
        body = Data(bytes[end.upperBound...])
    }

    var status: Int? { statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
}
