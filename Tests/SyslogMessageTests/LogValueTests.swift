import Testing
import SyslogMessage

@Suite("LogValue text rendering")
struct LogValueTests {
    @Test("scalar values render as syslog-ng renders typed values", arguments: [
        (LogValue.string("plain text"), "plain text"),
        (.int(42), "42"),
        (.int(-7), "-7"),
        (.int(0), "0"),
        (.double(1.5), "1.500000"),
        (.double(2.0), "2.000000"),
        (.double(-3.0), "-3.000000"),
        (.double(0.25), "0.250000"),
        (.double(.nan), "nan"),
        (.double(.infinity), "inf"),
        (.double(-.infinity), "-inf"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.null, ""),
        (.bytes([0x61, 0x62, 0x63]), "abc"),
        (.bytes([]), ""),
    ])
    func scalarText(value: LogValue, expected: String) {
        #expect(value.text == expected)
        var buf: [UInt8] = Array("x=".utf8)
        value.append(to: &buf)
        #expect(buf == Array(("x=" + expected).utf8))
    }

    @Test("list elements are quoted only when needed", arguments: [
        ([] as [String], ""),
        (["a"], "a"),
        (["a", "b", "c"], "a,b,c"),
        (["with space", "x"], "\"with space\",x"),
        (["a,b"], "\"a,b\""),
        ([""], "\"\""),
        (["a", "", "b"], "a,\"\",b"),
        (["say \"hi\""], "\"say \\\"hi\\\"\""),
        (["it's"], "\"it's\""),
        (["back\\slash"], "\"back\\\\slash\""),
        (["semi;colon", "dash-ok"], "semi;colon,dash-ok"),
    ])
    func listText(items: [String], expected: String) {
        #expect(LogValue.list(items).text == expected)
    }

    @Test("datetime renders seconds.milliseconds since the epoch", arguments: [
        (LogStamp(seconds: 1_795_572_797, microseconds: 0, utcOffset: 0), "1795572797.000"),
        (LogStamp(seconds: 1_795_572_797, microseconds: 5_000, utcOffset: 3600), "1795572797.005"),
        (LogStamp(seconds: 1_795_572_797, microseconds: 42_999, utcOffset: 0), "1795572797.042"),
        (LogStamp(seconds: 12, microseconds: 123_456, utcOffset: -18000), "12.123"),
        (LogStamp(seconds: 0, microseconds: 999_999, utcOffset: 0), "0.999"),
    ])
    func datetimeText(stamp: LogStamp, expected: String) {
        #expect(LogValue.datetime(stamp).text == expected)
    }

    @Test("appendDecimal handles zero and the Int64 extremes", arguments: [
        (Int64(0), "0"),
        (1, "1"),
        (-1, "-1"),
        (10, "10"),
        (-100, "-100"),
        (Int64.max, "9223372036854775807"),
        (Int64.min, "-9223372036854775808"),
        (Int64.min + 1, "-9223372036854775807"),
    ])
    func appendDecimal(value: Int64, expected: String) {
        var out: [UInt8] = Array("n:".utf8)
        LogValue.appendDecimal(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "n:" + expected)
        #expect(String(value) == expected)
    }

    @Test("type names follow syslog-ng", arguments: [
        (LogValue.string(""), "string"), (.int(1), "int"), (.double(1), "double"),
        (.bool(true), "boolean"), (.null, "null"), (.list([]), "list"),
        (.datetime(LogStamp(seconds: 0, utcOffset: 0)), "datetime"), (.bytes([]), "bytes"),
    ])
    func typeNames(value: LogValue, expected: String) {
        #expect(value.typeName == expected)
    }

    @Test("values compare by type and content")
    func equality() {
        #expect(LogValue.int(1) != .string("1"))
        #expect(LogValue.list(["a"]) == .list(["a"]))
        #expect(LogValue.bool(true) != .bool(false))
    }

    @Test("string(bytes:) keeps UTF-8 as a String and other bytes verbatim")
    func stringFromBytes() {
        #expect(LogValue.string(bytes: Array("árvíz".utf8)) == .string("árvíz"))
        let latin1: [UInt8] = [0x63, 0x61, 0x66, 0xE9]
        let v = LogValue.string(bytes: latin1)
        #expect(v == .rawString(latin1))
        #expect(v.typeName == "string")
        var out: [UInt8] = []
        v.append(to: &out)
        #expect(out == latin1)
        #expect(v.text == "caf\u{FFFD}")
    }
}
