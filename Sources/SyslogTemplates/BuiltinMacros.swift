import SyslogMessage

/// Renders the builtin macros that are computed from a message (all but the date macros).
enum BuiltinMacros {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func append(_ macro: BuiltinMacro, _ msg: RenderInput, options: TemplateOptions,
                       to out: inout [UInt8]) {
        switch macro {
        case .msghdr:
            appendMsghdr(msg, to: &out)
        case .pri:
            LogValue.appendDecimal(Int64(msg.pri), to: &out)
        case .facility:
            out.append(contentsOf: SyslogPriority.facilityName(msg.facility).utf8)
        case .facilityNum:
            LogValue.appendDecimal(Int64(msg.facility), to: &out)
        case .level, .priority, .severity:
            out.append(contentsOf: SyslogPriority.severityName(msg.severity).utf8)
        case .levelNum, .severityNum:
            LogValue.appendDecimal(Int64(msg.severity), to: &out)
        case .tag:
            let p = Int(msg.pri & 0xff)
            out.append(hexDigits[p >> 4])
            out.append(hexDigits[p & 15])
        case .bsdtag:
            // syslog-ng's BSDTAG: severity digit, then the facility as a letter (A = kern).
            LogValue.appendDecimal(Int64(msg.severity), to: &out)
            out.append(UInt8(ascii: "A") &+ UInt8(truncatingIfNeeded: msg.facility))
        case .tags:
            var first = true
            for t in msg.tags {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(contentsOf: t.utf8)
            }
        case .sourceIP:
            out.append(contentsOf: (msg.sourceAddress ?? "127.0.0.1").utf8)
        case .seqnum:
            if msg.sequence != 0 { LogValue.appendDecimal(Int64(truncatingIfNeeded: msg.sequence), to: &out) }
        case .sdata:
            SDataFormatter.append(msg, to: &out)
        case .loghost:
            out.append(contentsOf: options.localHostname.utf8)
        case .fullhost:
            msg.append(.host, to: &out)
        case .msg:
            msg.append(.message, to: &out)
        }
    }

    /// `PROGRAM[PID]: `, `PROGRAM: ` or nothing; the stored LEGACY_MSGHDR when there is one.
    static func appendMsghdr(_ msg: RenderInput, to out: inout [UInt8]) {
        // One pass over the values finds all three.
        var program = -1
        var pid = -1
        var legacy = -1
        let programHandle = NVHandle.program
        let pidHandle = NVHandle.pid
        let legacyHandle = NVHandle.legacyMsghdr
        msg.message.withEntries { buf in
            for i in 0..<buf.count {
                let h = buf[i].handle
                if h == programHandle {
                    program = i
                } else if h == pidHandle {
                    pid = i
                } else if h == legacyHandle {
                    legacy = i
                }
            }
            if legacy >= 0 {
                RenderInput.append(buf[legacy].value, to: &out)
                return
            }
            guard program >= 0 else { return }
            let start = out.count
            RenderInput.append(buf[program].value, to: &out)
            if out.count == start { return }
            if pid >= 0 {
                let pidStart = out.count
                out.append(UInt8(ascii: "["))
                RenderInput.append(buf[pid].value, to: &out)
                if out.count == pidStart + 1 {
                    out.removeLast()
                } else {
                    out.append(UInt8(ascii: "]"))
                }
            }
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: " "))
        }
    }
}
