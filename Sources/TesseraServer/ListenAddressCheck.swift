#if canImport(Glibc)
import Glibc
#endif

/// Checks, before anything is created on disk, that the server will be able to listen where it was told: a
/// port another process holds is reported with the address and what to do, instead of a bind error after
/// the data directory and its keys were made.
enum ListenAddressCheck {
    static func ensureAvailable(host: String, port: Int) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
            throw ConfigurationError("cannot listen on \(host):\(port): \(host) is not an address or a name this machine can resolve")
        }
        defer { freeaddrinfo(info) }
        let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 else { return }
        switch errno {
        case EADDRINUSE:
            throw ConfigurationError("\(host):\(port) is already in use (is another tessera running?); choose another port with --port, "
                + "or --port 0 for a free one")
        case EACCES:
            throw ConfigurationError("not allowed to listen on \(host):\(port) (ports below 1024 need privileges); choose another with --port")
        case EADDRNOTAVAIL:
            throw ConfigurationError("cannot listen on \(host):\(port): \(host) is not an address of this machine; choose another with --host")
        default:
            throw ConfigurationError("cannot listen on \(host):\(port): \(String(cString: strerror(errno)))")
        }
    }
}
