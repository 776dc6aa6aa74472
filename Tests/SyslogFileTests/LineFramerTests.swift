import Testing
@testable import SyslogFile

/// The stdin line framer as a pure decoder, fed byte by byte and in chunks.
@Suite struct LineFramerTests {
    static func frames(_ input: [UInt8], max: Int = 100, chunk: Int = 1, carry: [UInt8] = [])
        -> (frames: [LineFramer.Frame], pending: [UInt8]?) {
        var f = LineFramer(maxSize: max, carry: carry)
        var out: [LineFramer.Frame] = []
        var i = 0
        while i < input.count {
            let end = min(input.count, i + chunk)
            f.feed(input[i..<end]) { out.append($0) }
            i = end
        }
        return (out, f.pending)
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func linesAreTheSameWhateverTheChunkSize() {
        let input = Self.bytes("one\ntwo\r\n\nthree")
        for chunk in [1, 2, 3, 5, 64] {
            let (frames, pending) = Self.frames(input, chunk: chunk)
            #expect(frames == [.init(Self.bytes("one")), .init(Self.bytes("two\r")), .init([])], "chunk \(chunk)")
            #expect(pending == Self.bytes("three"))
        }
    }

    @Test func aLongLineIsSplitAtTheLimitAsSyslogNgSplitsIt() {
        let (frames, pending) = Self.frames(Self.bytes("abcdefgh\nxy\n"), max: 3)
        #expect(frames == [.init(Self.bytes("abc"), truncated: true), .init(Self.bytes("def"), truncated: true),
                           .init(Self.bytes("gh")), .init(Self.bytes("xy"))])
        #expect(pending == nil)
    }

    @Test func aLineOfExactlyTheLimitIsOneRecord() {
        let (frames, _) = Self.frames(Self.bytes("abc\n"), max: 3)
        #expect(frames == [.init(Self.bytes("abc"))])
    }

    @Test func theRestOfASplitLineIsPending() {
        let (frames, pending) = Self.frames(Self.bytes("abcdef"), max: 3)
        #expect(frames == [.init(Self.bytes("abc"), truncated: true)])
        #expect(pending == Self.bytes("def"))
    }

    @Test func aCarriedPartialLineIsContinued() {
        let (frames, pending) = Self.frames(Self.bytes("lo\nnext"), carry: Self.bytes("hel"))
        #expect(frames == [.init(Self.bytes("hello"))])
        #expect(pending == Self.bytes("next"))
    }

    @Test func invalidUTF8PassesThroughAndANULEndsARecord() {
        let (frames, _) = Self.frames([0xff, 0x00, 0xfe, 0x0a])
        #expect(frames == [.init([0xff]), .init([0xfe])])
    }
}
