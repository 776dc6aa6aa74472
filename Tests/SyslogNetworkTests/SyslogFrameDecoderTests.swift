import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import SyslogNetwork

/// The stream framer, byte by byte and in every split (NIO's ByteToMessageDecoderVerifier feeds
/// each input whole, byte by byte and in random chunks, and checks nothing is left over).
@Suite struct SyslogFrameDecoderTests {
    static func frame(_ s: String, truncated: Bool = false) -> SyslogFrame {
        SyslogFrame(ByteBuffer(string: s), truncated: truncated)
    }

    @Test("Lines: \\n, a NUL or \\r\\n end a record; empty lines are records")
    func newline() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: [
            ("<13>one\n", [Self.frame("<13>one")]),
            ("a\r\nb\n", [Self.frame("a"), Self.frame("b")]),
            ("x\u{0}y\n", [Self.frame("x"), Self.frame("y")]),
            ("\n", [Self.frame("")]),
            ("12 not a count\n", [Self.frame("12 not a count")]),
        ]) { SyslogFrameDecoder(mode: .newline, maxSize: 100) }
    }

    @Test("Lines longer than log-msg-size are split there, marked truncated")
    func newlineSplit() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: [
            ("abcdefgh\n", [Self.frame("abcde", truncated: true), Self.frame("fgh")]),
            ("abcde\n", [Self.frame("abcde")]),
        ]) { SyslogFrameDecoder(mode: .newline, maxSize: 5) }
    }

    @Test("Octet counting: LEN SP RECORD, records may hold newlines; line ends between frames are skipped")
    func octetCounted() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: [
            ("5 hello", [Self.frame("hello")]),
            ("3 a\nb2 cd", [Self.frame("a\nb"), Self.frame("cd")]),
            ("5 hello\n6 world!", [Self.frame("hello"), Self.frame("world!")]),
            ("10 0123456789", [Self.frame("0123456789")]),
        ]) { SyslogFrameDecoder(mode: .octetCounted, maxSize: 100) }
    }

    @Test("Octet counting: a record over log-msg-size is cut there and the rest skipped")
    func octetOversized() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: [
            ("8 abcdefgh2 ok", [Self.frame("abcd", truncated: true), Self.frame("ok")]),
        ]) { SyslogFrameDecoder(mode: .octetCounted, maxSize: 4) }
    }

    @Test("Auto: a digit first means octet counting, anything else lines")
    func auto() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: [
            ("5 hello3 abc", [Self.frame("hello"), Self.frame("abc")]),
        ]) { SyslogFrameDecoder(mode: .auto, maxSize: 100) }
        try ByteToMessageDecoderVerifier.verifyDecoder(stringInputOutputPairs: [
            ("<13>x\n5 not framed\n", [Self.frame("<13>x"), Self.frame("5 not framed")]),
        ]) { SyslogFrameDecoder(mode: .auto, maxSize: 100) }
    }

    @Test("Bogus octet counts are errors: a letter, no digits, more than 10 digits")
    func bogusCounts() throws {
        for input in ["12x hello", " hello", "12345678901 x"] {
            var d = SyslogFrameDecoder(mode: .octetCounted, maxSize: 100)
            var b = ByteBuffer(string: input)
            #expect(throws: SyslogFramingError.self, "\(input)") { _ = try d.next(&b) }
        }
    }

    @Test("At end of stream an unterminated line is a record, a partial octet-counted one is not")
    func endOfStream() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SyslogFrameDecoder(mode: .newline, maxSize: 100)))
        try channel.writeInbound(ByteBuffer(string: "a\nunterminated"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == Self.frame("a"))
        #expect(try channel.readInbound(as: SyslogFrame.self) == nil)
        _ = try channel.finish()
        #expect(try channel.readInbound(as: SyslogFrame.self) == Self.frame("unterminated"))
        let framed = EmbeddedChannel(handler: ByteToMessageHandler(SyslogFrameDecoder(mode: .octetCounted, maxSize: 100)))
        try framed.writeInbound(ByteBuffer(string: "10 short"))
        _ = try? framed.finish()
        #expect(try framed.readInbound(as: SyslogFrame.self) == nil)
    }
}
