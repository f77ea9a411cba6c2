import Hummingbird

/// Which protocol's error format a request is answered in, from its path: EBS for `/snapshots…`, EC2's
/// Query protocol for `/`, Glacier for everything else.
enum ProtocolOfRequest {
    case glacier
    case ebs
    case ec2

    init(_ request: Request) {
        let path = request.uri.path
        if path.hasPrefix("/snapshots") {
            self = .ebs
        } else if path == "/" {
            self = .ec2
        } else {
            self = .glacier
        }
    }
}
