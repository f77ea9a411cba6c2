import NIOSSL

/// The certificate chain and private key `--tls-cert` and `--tls-key` name (PEM), loaded once at start, so
/// that a wrong path or a key that does not belong to the certificate stops the server with one clear line
/// before anything is created.
struct TLSSettings {
    let configuration: TLSConfiguration

    static func load(certificateFile: String?, keyFile: String?) throws -> TLSSettings? {
        switch (certificateFile, keyFile) {
        case (nil, nil):
            return nil
        case (.some, nil), (nil, .some):
            throw ConfigurationError("--tls-cert and --tls-key go together: give both (PEM files) or neither")
        case (.some(let certificateFile), .some(let keyFile)):
            let chain: [NIOSSLCertificate]
            do {
                chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
            } catch {
                throw ConfigurationError("cannot read the TLS certificate \(certificateFile) (PEM expected): \(error)")
            }
            guard !chain.isEmpty else { throw ConfigurationError("\(certificateFile) holds no PEM certificate") }
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            } catch {
                throw ConfigurationError("cannot read the TLS private key \(keyFile) (PEM expected): \(error)")
            }
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            // HTTP/1.1 only: the doors speak nothing else.
            configuration.applicationProtocols = ["http/1.1"]
            do {
                // Building the context checks that the key matches the certificate.
                _ = try NIOSSLContext(configuration: configuration)
            } catch {
                throw ConfigurationError("the TLS key \(keyFile) does not fit the certificate \(certificateFile): \(error)")
            }
            return TLSSettings(configuration: configuration)
        }
    }
}
