/// Fast appends of short byte runs to an output buffer.
enum ByteAppend {
    /// Appends `src` to `out`; runs of up to 3 bytes are appended byte by byte, which beats
    /// the fixed cost of `append(contentsOf:)`.
    @inline(__always)
    static func append(_ src: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let n = src.count
        if n > 3 {
            out.append(contentsOf: src)
            return
        }
        let needed = out.count + n
        if out.capacity < needed { out.reserveCapacity(Swift.max(needed, out.capacity * 2)) }
        for b in src { out.append(b) }
    }
}
