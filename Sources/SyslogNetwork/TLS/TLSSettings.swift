import NIOSSL
import SyslogConfig
import SyslogCore

/// `tls(key-file() cert-file() ca-file() ca-dir() peer-verify())` of a network source or
/// destination, as syslog-ng reads it. Files are loaded when the configuration initialises.
public struct TLSSettings: Sendable, Equatable {
    /// syslog-ng's `peer-verify()`: whether the peer must present a certificate and whether it
    /// must be trusted (by `ca-file()`/`ca-dir()`). The default is `required-trusted`.
    public enum PeerVerify: String, Sendable {
        case requiredTrusted = "required-trusted"
        case requiredUntrusted = "required-untrusted"
        case optionalTrusted = "optional-trusted"
        case optionalUntrusted = "optional-untrusted"
    }

    public var keyFile: String?
    public var certFile: String?
    public var caFile: String?
    public var caDir: String?
    public var peerVerify: PeerVerify = .requiredTrusted

    /// Reads the `tls()` block.
    static func read(_ node: OptionNode, _ ctx: BuildContext) throws(ConfigError) -> TLSSettings {
        let r = OptionReader(node, kind: "tls", errors: ctx.errors)
        var t = TLSSettings()
        t.keyFile = try r.string("key-file")
        t.certFile = try r.string("cert-file")
        t.caFile = try r.string("ca-file")
        t.caDir = try r.string("ca-dir")
        if let v = try r.string("peer-verify") {
            let text = v.lowercased().map { $0 == "_" ? "-" : $0 }
            guard let p = PeerVerify(rawValue: String(text)) else {
                throw ctx.errors.error("Unknown peer-verify() value '\(v)'; known: required-trusted, required-untrusted, optional-trusted, optional-untrusted", at: node.range)
            }
            t.peerVerify = p
        }
        for accepted in ["cipher-suite", "ssl-options", "dhparam-file", "crl-dir", "ecdh-curve-list", "sni",
                         "trusted-keys", "trusted-dn", "pkcs12-file", "allow-compress", "ocsp-stapling-verify"] {
            _ = r.take(accepted)
        }
        try r.finish(allowPositional: 0)
        return t
    }

    /// What the peer's certificate goes through.
    func verification(hostnameCheck: Bool) -> CertificateVerification {
        switch peerVerify {
        case .requiredTrusted: return hostnameCheck ? .fullVerification : .noHostnameVerification
        case .optionalTrusted: return .optionalVerification
        case .requiredUntrusted, .optionalUntrusted: return .none
        }
    }

    private func trustRoots() -> NIOSSLTrustRoots {
        if let f = caFile { return .file(f) }
        if let d = caDir { return .file(d) }
        return .default
    }

    /// The context of a TLS source: `key-file()` and `cert-file()` are required.
    func serverContext() throws(PipelineInitError) -> NIOSSLContext {
        guard let certFile, let keyFile else {
            throw PipelineInitError(message: "Error setting up TLS: a TLS source needs key-file() and cert-file()")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            c.certificateVerification = verification(hostnameCheck: false)
            c.trustRoots = trustRoots()
            return try NIOSSLContext(configuration: c)
        } catch {
            throw PipelineInitError(message: "Error setting up TLS", pairs: [("cert_file", certFile), ("key_file", keyFile),
                                                                             ("error", String(describing: error))])
        }
    }

    /// The context of a TLS destination (a client certificate only when both files are given).
    func clientContext(hostnameCheck: Bool) throws(PipelineInitError) -> NIOSSLContext {
        do {
            var c = TLSConfiguration.makeClientConfiguration()
            c.certificateVerification = verification(hostnameCheck: hostnameCheck)
            c.trustRoots = trustRoots()
            if let certFile, let keyFile {
                c.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
                c.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
            return try NIOSSLContext(configuration: c)
        } catch {
            throw PipelineInitError(message: "Error setting up TLS", pairs: [("error", String(describing: error))])
        }
    }
}
