// What a person at a terminal would read in the bytes a console program wrote: escape sequences
// (busybox's line editor asks for the cursor position with ESC [ 6 n and redraws with CSI
// sequences) and carriage returns removed, backspaces applied, other control bytes dropped.
// Pure logic, so prompt matching and output extraction are host-tested without a QEMU.

import Foundation

public enum TerminalText {
    /// The readable text of `bytes`.
    public static func clean(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        var state = EscapeState.text
        for byte in bytes {
            switch state {
            case .text:
                switch byte {
                case 0x1b: state = .escape
                case 0x08: if let last = out.last, last != 0x0a { out.removeLast() }
                case 0x0a, 0x09: out.append(byte)
                case 0x00..<0x20, 0x7f: break
                default: out.append(byte)
                }
            case .escape:
                // ESC [ starts a control sequence, ESC ] an operating-system command; any other
                // byte ends a two-byte escape.
                state = byte == 0x5b ? .controlSequence : byte == 0x5d ? .operatingSystemCommand : .text
            case .controlSequence:
                if (0x40...0x7e).contains(byte) { state = .text }
            case .operatingSystemCommand:
                if byte == 0x07 { state = .text } else if byte == 0x1b { state = .escape }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    enum EscapeState { case text, escape, controlSequence, operatingSystemCommand }

    /// What a command printed, given the text since it was typed: the echoed command line is
    /// dropped, and the text ends where the next prompt starts. Nil while no prompt has followed.
    public static func commandOutput(after typed: String, prompt: String) -> String? {
        guard let echoEnd = typed.firstIndex(of: "\n") else { return nil }
        let rest = typed[typed.index(after: echoEnd)...]
        guard let promptStart = rest.range(of: prompt, options: .backwards)?.lowerBound else { return nil }
        return String(rest[..<promptStart])
    }

    /// Does `text` end at a prompt (the shell waits for input)? Trailing spaces after the prompt's
    /// own are tolerated, nothing else.
    public static func endsWithPrompt(_ text: String, prompt: String) -> Bool {
        var trimmed = Substring(text)
        while trimmed.hasSuffix(" ") && !trimmed.hasSuffix(prompt) { trimmed = trimmed.dropLast() }
        return trimmed.hasSuffix(prompt)
    }

    /// Lines of `text` without surrounding blanks, empty lines dropped.
    public static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
