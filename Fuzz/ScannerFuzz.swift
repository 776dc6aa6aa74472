// libFuzzer entry for the csv-parser(), kv-parser(), json-parser() and date-parser() scanners: every input
// must scan without crashing or trapping, under each of their main settings. The first byte
// picks the settings, the rest is the input. Built and run by scripts/fuzz-scanners.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let mode = data[0]
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let escapes: [CSVScanner.Escape] = [.none, .backslash, .doubleChar]
    let csv = CSVScanner(columns: Int(mode % 5) + 1, delimiterChars: mode & 8 == 0 ? [0x20] : [0x2C, 0x3B],
                         delimiterStrings: mode & 16 == 0 ? [] : [[0x3A, 0x3A]],
                         quotePairs: [(0x22, 0x22), (0x5B, 0x5D)], escape: escapes[Int(mode >> 5) % 3],
                         strip: mode & 1 == 1, greedy: mode & 2 == 2, dropInvalid: false, null: [0x2D])
    let (values, _) = csv.split(input)
    for v in values { _ = v.text }
    let kv = KVScanner(separator: mode & 4 == 0 ? 0x3D : 0x3A, pairSeparator: mode & 64 == 0 ? nil : [0x3B])
    for (k, v) in kv.scan(input) { _ = k.count + v.count }
    if let pairs = JSONScanner.flatten(input, delimiter: ".", extract: mode & 128 == 0 ? [] : ["a"]) {
        for (k, v) in pairs { _ = k.utf8.count + v.text.utf8.count }
    }
    for f in ScannerFormats.all { _ = f.scan(input) }
    return 0
}

/// date-parser() formats tried on every input.
enum ScannerFormats {
    static let all = [DateScanner("%FT%T%z"), DateScanner("%d/%b/%Y:%H:%M:%S %z"), DateScanner("%a %b %e %I:%M:%S.%f %p %Z %Y"),
                      DateScanner("%s"), DateScanner("%j %y %n %%")]
}
