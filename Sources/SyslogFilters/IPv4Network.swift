/// An IPv4 network for `netmask("10.0.0.0/8")` (or `"10.0.0.0/255.0.0.0"`, or a bare address).
struct IPv4Network: Sendable, Equatable {
    let address: UInt32
    let mask: UInt32

    /// Parses `addr/prefix`, `addr/mask` or `addr`; nil when malformed.
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let addr = IPv4Network.parseAddress(Substring(parts[0]).utf8) else { return nil }
        var mask: UInt32 = 0xFFFF_FFFF
        if parts.count == 2 {
            let m = parts[1]
            if let bits = Int(m), bits >= 0, bits <= 32 {
                mask = bits == 0 ? 0 : UInt32.max << UInt32(32 - bits)
            } else if let dotted = IPv4Network.parseAddress(m.utf8) {
                mask = dotted
            } else {
                return nil
            }
        }
        self.mask = mask
        self.address = addr & mask
    }

    /// Dotted quad to a host-order number; nil when malformed.
    static func parseAddress<C: Collection>(_ bytes: C) -> UInt32? where C.Element == UInt8 {
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for b in bytes {
            if b == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                result = result << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                octet = octet * 10 + UInt32(b - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, dots == 3 else { return nil }
        return result << 8 | octet
    }

    /// Whether the sender address (dotted quad, or IPv4-mapped `::ffff:a.b.c.d`) is in the
    /// network; nil (a local message) counts as 127.0.0.1. Other IPv6 addresses never match.
    func contains(_ sourceAddress: String?) -> Bool {
        let parsed: UInt32?
        if let sourceAddress {
            let utf8 = sourceAddress.utf8
            let mapped = "::ffff:".utf8
            if utf8.count > mapped.count && utf8.prefix(mapped.count).elementsEqual(mapped) {
                parsed = IPv4Network.parseAddress(utf8.dropFirst(mapped.count))
            } else {
                parsed = IPv4Network.parseAddress(utf8)
            }
        } else {
            parsed = 0x7F00_0001
        }
        guard let a = parsed else { return false }
        return a & mask == address
    }
}
