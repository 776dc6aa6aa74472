// libFuzzer entry for the syslog parsers and the stream framer's logic: every input must parse
// without crashing or trapping (Swift traps on overflow and out-of-range indexing), and the
// parsed message must render its values. Built and run by scripts/fuzz-parsers.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let a = LogMessage()
    if !SyslogParser.parseRFC3164(bytes, into: a) {
        SyslogParser.errorMessage(for: bytes, into: a)
    }
    for e in a.entries { _ = e.value.text }
    let b = LogMessage()
    if SyslogParser.parseRFC5424(bytes, into: b) {
        for e in b.entries { _ = e.value.text }
    }
    _ = SyslogParser.parseISOStamp(bytes, at: 0)
    return 0
}
