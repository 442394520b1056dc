#!/usr/bin/env python3
# Records how Linux's N_TTY line discipline answers each case below, on a real pty, and writes
# LinuxTranscripts.swift, which LinuxTranscriptTests.swift replays through LineDiscipline.
#
# Usage (on a Linux host): python3 linux-transcripts.py > LinuxTranscripts.swift
#
# A case is a list of steps: ("type", bytes) writes to the pty master (keys typed at the terminal),
# ("write", bytes) writes to the slave (a program's output), ("set", changes) calls tcsetattr on the
# slave (changes as for `settings`, plus "flush": True for TCSAFLUSH). Afterwards the slave is read
# with the given sizes (default 4096) until it would block. Everything the master receives (echo
# and output) is the expected output. Signal characters are left to the hand-written tests: the
# process running this has no controlling terminal, and a pty flushes unread echo with the input.
import fcntl, os, pty, sys, termios as T, time

IUTF8 = 0x4000
FLAG_FIELDS = {"input": 0, "output": 1, "local": 3}
FLAG_VALUES = {
    "input": {"ISTRIP": T.ISTRIP, "INLCR": T.INLCR, "IGNCR": T.IGNCR, "ICRNL": T.ICRNL, "IXON": T.IXON, "IUTF8": IUTF8},
    "output": {"OPOST": T.OPOST, "OLCUC": T.OLCUC, "ONLCR": T.ONLCR, "OCRNL": T.OCRNL, "ONOCR": T.ONOCR,
               "ONLRET": T.ONLRET, "XTABS": T.XTABS},
    "local": {"ISIG": T.ISIG, "ICANON": T.ICANON, "ECHO": T.ECHO, "ECHOE": T.ECHOE, "ECHOK": T.ECHOK,
              "ECHONL": T.ECHONL, "NOFLSH": T.NOFLSH, "ECHOCTL": T.ECHOCTL, "ECHOKE": T.ECHOKE, "IEXTEN": T.IEXTEN},
}
CHARACTERS = {"VINTR": T.VINTR, "VQUIT": T.VQUIT, "VERASE": T.VERASE, "VKILL": T.VKILL, "VEOF": T.VEOF,
              "VSTART": T.VSTART, "VSTOP": T.VSTOP, "VSUSP": T.VSUSP, "VEOL": T.VEOL, "VREPRINT": T.VREPRINT,
              "VWERASE": T.VWERASE, "VLNEXT": T.VLNEXT, "VEOL2": T.VEOL2}


def change(attributes, changes):
    for field, index in FLAG_FIELDS.items():
        for name in changes.get(field + "On", []):
            attributes[index] |= FLAG_VALUES[field][name]
        for name in changes.get(field + "Off", []):
            attributes[index] &= ~FLAG_VALUES[field][name]
    for name, value in changes.get("characters", {}).items():
        attributes[6][CHARACTERS[name]] = bytes([value])


def drain(fd):
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            return data
        if not chunk:
            return data
        data += chunk


def record(steps, settings, read_sizes):
    master, slave = pty.openpty()
    attributes = T.tcgetattr(slave)
    change(attributes, settings)
    T.tcsetattr(slave, T.TCSANOW, attributes)
    for fd in (master, slave):
        fcntl.fcntl(fd, fcntl.F_SETFL, os.O_NONBLOCK)
    output = b""
    for kind, value in steps:
        if kind == "set":
            attributes = T.tcgetattr(slave)
            change(attributes, value)
            T.tcsetattr(slave, T.TCSAFLUSH if value.get("flush") else T.TCSANOW, attributes)
        else:
            os.write(master if kind == "type" else slave, value)
        time.sleep(0.02)
        output += drain(master)
    reads = []
    for size in read_sizes or [4096] * 64:
        try:
            data = os.read(slave, size)
        except BlockingIOError:
            break
        reads.append(data)
    else:
        try:
            os.read(slave, 4096)
            sys.exit("reads did not drain the input")
        except BlockingIOError:
            pass
    os.close(master)
    os.close(slave)
    return output, reads


ESCAPES = {9: "\\t", 10: "\\n", 13: "\\r"}


def literal(data):
    """A Swift raw string that `bytes(_:)` in Transcript.swift decodes (\\t \\n \\r \\xNN)."""
    text = "".join(ESCAPES.get(b) or (chr(b) if 32 <= b < 127 and b not in (34, 92) else "\\x%02x" % b) for b in data)
    return '#"' + text + '"#'


def settings_source(settings):
    parts = []
    for field in FLAG_FIELDS:
        for suffix in ("On", "Off"):
            names = settings.get(field + suffix, [])
            if names:
                parts.append("%s%s: [%s]" % (field, suffix, ", ".join("." + n for n in names)))
    characters = settings.get("characters", {})
    if characters:
        parts.append("characters: [%s]" % ", ".join(".%s: %d" % item for item in characters.items()))
    return "Changes(" + ", ".join(parts) + ")"


def step_source(kind, value):
    if kind == "set":
        return ".set(%s, flushing: %s)" % (settings_source(value), "true" if value.get("flush") else "false")
    return ".%s(%s)" % (kind, literal(value))


RAW = {"localOff": ["ICANON"]}
CASES = [
    # Cooked mode with echo.
    ("typed line is echoed and read with CR mapped to NL", {}, [("type", b"ab\r")], None),
    ("NL ends a line like CR", {}, [("type", b"one\ntwo\r")], None),
    ("control characters echo as caret pairs", {}, [("type", b"a\x01\x1b\x7f\r")], None),
    ("control characters echo raw without ECHOCTL", {"localOff": ["ECHOCTL"]}, [("type", b"a\x01\x1b\r")], None),
    ("tab is echoed as a tab", {}, [("type", b"a\tb\r")], None),
    ("high bytes are not control characters", {}, [("type", b"a\x81\x9f\xa0\xff\r")], None),
    ("nothing is echoed without ECHO", {"localOff": ["ECHO"]}, [("type", b"secret\r")], None),
    ("ECHONL echoes only the newline", {"localOff": ["ECHO"], "localOn": ["ECHONL"]}, [("type", b"ab\ncd\r")], None),
    ("ECHONL does not echo EOL", {"localOff": ["ECHO"], "localOn": ["ECHONL"], "characters": {"VEOL": ord(";")}},
     [("type", b"ab;cd\r")], None),
    ("lines split across reads", {}, [("type", b"hello\nworld\n")], [3, 3, 3, 100]),
    ("one read returns at most one line", {}, [("type", b"a\nb\nc\n")], None),
    # Erase.
    ("ERASE with ECHOE", {}, [("type", b"abc\x7f\r")], None),
    ("ERASE without ECHOE echoes the erase character", {"localOff": ["ECHOE"]}, [("type", b"abc\x7f\r")], None),
    ("ERASE without ECHOE or ECHOCTL", {"localOff": ["ECHOE", "ECHOCTL"]}, [("type", b"abc\x7f\r")], None),
    ("ERASE on an empty line does nothing", {}, [("type", b"\x7f\x7fa\r")], None),
    ("ERASE on an empty line without ECHOE", {"localOff": ["ECHOE"]}, [("type", b"\x7fa\r")], None),
    ("ERASE of a caret pair takes two columns", {}, [("type", b"a\x01\x7f\r")], None),
    ("ERASE of a raw control character takes none", {"localOff": ["ECHOCTL"]}, [("type", b"a\x01\x7f\r")], None),
    ("ERASE of a tab goes back to its start column", {}, [("type", b"ab\tc\x7f\x7f\r")], None),
    ("ERASE of a tab at the line start", {}, [("type", b"\t\x7fx\r")], None),
    ("ERASE of tabs after tabs", {}, [("type", b"a\t\tb\x7f\x7f\x7f\r")], None),
    ("ERASE of a tab counts caret pairs", {}, [("type", b"\x01x\t\x7f\r")], None),
    ("ERASE of a tab without ECHOCTL", {"localOff": ["ECHOCTL"]}, [("type", b"\x01x\t\x7f\r")], None),
    ("ERASE of a tab after a prompt", {}, [("write", b"$ "), ("type", b"\t\x7f\tab\t\x7f")], None),
    ("ERASE of a tab after output in the line", {}, [("type", b"xy"), ("write", b"abc"), ("type", b"\t\x7f")], None),
    ("ERASE of a tab after a written newline", {}, [("write", b"abc\n"), ("type", b"\t\x7f")], None),
    ("ERASE of a tab after a written CR", {}, [("write", b"abc\r"), ("type", b"\t\x7f")], None),
    ("ERASE of a tab after written backspaces", {},
     [("write", b"abcdefghijkl\x08\x08\x08\x08\x08\x08"), ("type", b"x\t\x7f")], None),
    ("ERASE of a tab after written tabs", {}, [("write", b"\t\t"), ("type", b"x\t\x7f")], None),
    ("ERASE of a tab without OPOST", {"outputOff": ["OPOST"]}, [("write", b"abc"), ("type", b"\t\x7f")], None),
    ("ERASE of a UTF-8 character byte by byte", {}, [("type", "aé\x7f\r".encode())], None),
    ("ERASE of a UTF-8 character with IUTF8", {"inputOn": ["IUTF8"]}, [("type", "aé\x7f\r".encode())], None),
    ("ERASE of a tab after UTF-8 with IUTF8", {"inputOn": ["IUTF8"]}, [("type", "é\t\x7f\r".encode())], None),
    ("ERASE of a tab after UTF-8 without IUTF8", {}, [("type", "é\t\x7f\r".encode())], None),
    ("ERASE of a tab after C1 bytes", {}, [("type", b"\xc4\x81\t\x7f\r")], None),
    ("ERASE with IUTF8 leaves a lone continuation byte", {"inputOn": ["IUTF8"]}, [("type", b"\x80\x7fa\r")], None),
    # Kill.
    ("KILL with ECHOKE erases the line", {}, [("type", b"ab\x01c\x15x\r")], None),
    ("KILL without ECHOKE echoes the key and a newline", {"localOff": ["ECHOKE"]}, [("type", b"ab\x01c\x15x\r")], None),
    ("KILL without ECHOK echoes the key", {"localOff": ["ECHOK"]}, [("type", b"ab\x15x\r")], None),
    ("KILL without ECHOE echoes the key and a newline", {"localOff": ["ECHOE"]}, [("type", b"ab\x15x\r")], None),
    ("KILL without ECHOK or ECHOKE", {"localOff": ["ECHOK", "ECHOKE"]}, [("type", b"ab\x15x\r")], None),
    ("KILL without ECHOK ECHOKE ECHOE", {"localOff": ["ECHOK", "ECHOKE", "ECHOE"]}, [("type", b"ab\x15x\r")], None),
    ("KILL on an empty line echoes nothing", {"localOff": ["ECHOKE"]}, [("type", b"\x15x\r")], None),
    ("KILL erases a tab too", {}, [("write", b"$ "), ("type", b"\tab\x15")], None),
    ("ERASE and KILL without ECHO", {"localOff": ["ECHO"]}, [("type", b"abc\x7f\x15d\r")], None),
    # Word erase.
    ("WERASE erases the last word and the blanks after it", {}, [("type", b"foo bar  \x17x\r")], None),
    ("WERASE twice", {}, [("type", b"foo bar  \x17\x17x\r")], None),
    ("WERASE stops at punctuation", {}, [("type", b"foo-bar\x17\r")], None),
    ("WERASE in a path", {}, [("type", b"cd /usr/lo_cal/bin/\x17\x17\r")], None),
    ("WERASE over a tab", {}, [("type", b"foo\tbar\x17\x17x\r")], None),
    ("WERASE over control characters", {}, [("type", b"a b\x01\x17x\r")], None),
    ("WERASE of punctuation only", {}, [("type", b"ab \x01\x02\x17x\r")], None),
    ("WERASE treats Latin-1 letters as letters", {}, [("type", b"ab \xe9\xd7x\x17\r")], None),
    ("WERASE and multiplication sign", {}, [("type", b"ab \xd7x\xe9\x17\r")], None),
    ("WERASE of UTF-8 bytes", {}, [("type", "ab café\x17\r".encode())], None),
    ("WERASE of UTF-8 with IUTF8", {"inputOn": ["IUTF8"]}, [("type", "ab xéy\x17\r".encode())], None),
    ("WERASE echoes erasure without ECHOE", {"localOff": ["ECHOE"]}, [("type", b"foo bar\x17x\r")], None),
    ("WERASE needs IEXTEN", {"localOff": ["IEXTEN"]}, [("type", b"foo bar\x17x\r")], None),
    ("WERASE on an empty line", {}, [("type", b"\x17x\r")], None),
    # Literal next and reprint.
    ("LNEXT quotes ERASE", {}, [("type", b"a\x16\x7fb\r")], None),
    ("LNEXT quotes EOF", {}, [("type", b"a\x16\x04b\r")], None),
    ("LNEXT quotes INTR", {}, [("type", b"a\x16\x03b\r")], None),
    ("LNEXT quotes NL without ending the line", {}, [("type", b"a\x16\nb\r")], None),
    ("LNEXT quotes CR without mapping it", {}, [("type", b"a\x16\rb\r")], None),
    ("LNEXT quotes EOL", {"characters": {"VEOL": ord(";")}}, [("type", b"a\x16;b\r")], None),
    ("LNEXT quotes LNEXT", {}, [("type", b"a\x16\x16b\r")], None),
    ("LNEXT quotes XOFF", {}, [("type", b"a\x16\x13b\r")], None),
    ("LNEXT without ECHOCTL echoes nothing", {"localOff": ["ECHOCTL"]}, [("type", b"a\x16\x03b\r")], None),
    ("LNEXT without ECHO", {"localOff": ["ECHO"]}, [("type", b"a\x16\x03b\r")], None),
    ("LNEXT quoted NL with only ECHONL is not echoed", {"localOff": ["ECHO"], "localOn": ["ECHONL"]},
     [("type", b"a\x16\nb\n")], None),
    ("LNEXT needs IEXTEN", {"localOff": ["IEXTEN"]}, [("type", b"a\x16\x7fb\r")], None),
    ("ERASE of a quoted NL", {}, [("type", b"a\x16\n\x7fb\r")], None),
    ("REPRINT echoes the line again", {}, [("type", b"ab\x01\x12c\r")], None),
    ("REPRINT after an erase", {}, [("type", b"abc\x7f\x12d\r")], None),
    ("REPRINT on an empty line", {}, [("type", b"\x12x\r")], None),
    ("REPRINT is ordinary without ECHO", {"localOff": ["ECHO"]}, [("type", b"ab\x12c\r")], None),
    ("REPRINT needs IEXTEN", {"localOff": ["IEXTEN"]}, [("type", b"ab\x12c\r")], None),
    # EOF, EOL, EOL2.
    ("EOF at the start of a line reads as end of file", {}, [("type", b"\x04abc\x04def\r")], [100, 100, 100]),
    ("EOF mid-line commits without a newline", {}, [("type", b"abcdef\x04")], [2, 2, 100]),
    ("EOF is not echoed", {}, [("type", b"ab\x04")], None),
    ("EOF after a split read", {}, [("type", b"abc\n\x04x\n")], [2, 100, 100, 100]),
    ("EOL ends a line and stays in it", {"characters": {"VEOL": ord(";")}}, [("type", b"ab;cd\r")], None),
    ("EOL2 ends a line", {"characters": {"VEOL2": ord(";")}}, [("type", b"ab;cd\r")], None),
    ("EOL2 needs IEXTEN", {"characters": {"VEOL2": ord(";")}, "localOff": ["IEXTEN"]}, [("type", b"ab;cd\r")], None),
    ("control EOL echoes as a caret pair", {"characters": {"VEOL": 1}}, [("type", b"ab\x01cd\r")], None),
    # Disabled characters.
    ("disabled ERASE and INTR are ordinary; NUL is never special", {"characters": {"VERASE": 0, "VINTR": 0}},
     [("type", b"a\x7f\x00\x03b\r")], None),
    ("disabled EOF", {"characters": {"VEOF": 0}}, [("type", b"a\x00\x04\r")], None),
    ("disabled editing characters", {"characters": {"VWERASE": 0, "VLNEXT": 0, "VREPRINT": 0, "VKILL": 0}},
     [("type", b"a\x00\x17\x16\x12\x15b\r")], None),
    # Flow control.
    ("IXON consumes XOFF and XON", {}, [("type", b"a\x13b\x11c\r")], None),
    ("without IXON XOFF and XON are ordinary", {"inputOff": ["IXON"]}, [("type", b"a\x13b\x11c\r")], None),
    ("IXON in raw mode", RAW, [("type", b"a\x13b\x11c")], None),
    # Input translation.
    ("ISTRIP clears the high bit before anything else", {"inputOn": ["ISTRIP"]}, [("type", b"a\xe1\x8d\r")], None),
    ("IGNCR drops CR", {"inputOn": ["IGNCR"]}, [("type", b"a\rb\n")], None),
    ("INLCR maps NL to CR", {"inputOn": ["INLCR"]}, [("type", b"a\nb\r")], None),
    ("INLCR without ICRNL never ends a line", {"inputOn": ["INLCR"], "inputOff": ["ICRNL"]},
     [("type", b"a\nb\r")], None),
    ("without ICRNL CR is ordinary", {"inputOff": ["ICRNL"]}, [("type", b"a\rb\n")], None),
    # Raw mode.
    ("raw mode commits bytes at once", RAW, [("type", b"ab\x7f\x15\x04c")], [2, 100]),
    ("raw mode echoes a typed NL as a caret pair", RAW, [("type", b"a\nb\r")], None),
    ("raw mode echoes NL raw without ECHOCTL", {"localOff": ["ICANON", "ECHOCTL"]}, [("type", b"a\nb\r")], None),
    ("raw mode with INLCR", {"localOff": ["ICANON"], "inputOn": ["INLCR"]}, [("type", b"a\nb")], None),
    ("raw mode without echo", {"localOff": ["ICANON", "ECHO"]}, [("type", b"abc\r")], None),
    ("raw mode without ECHOCTL", {"localOff": ["ICANON", "ECHOCTL"]}, [("type", b"a\x7f\x01")], None),
    ("raw mode without ISIG", {"localOff": ["ICANON", "ISIG"]}, [("type", b"a\x03\x1c\x1a")], None),
    ("raw mode without IEXTEN, ICRNL, IXON", {"localOff": ["ICANON", "ISIG", "IEXTEN", "ECHO"], "inputOff": ["ICRNL", "IXON"]},
     [("type", bytes(range(0, 32)) + b"\x7f\xff")], None),
    # Switching modes with pending input.
    ("raw mode makes the edited line readable", {}, [("type", b"ab\ncd"), ("set", RAW)], [100, 100]),
    ("raw mode keeps line boundaries out of reads", {}, [("type", b"ab\ncd"), ("set", RAW)], [3, 100]),
    ("TCSAFLUSH drops pending input", {}, [("type", b"ab\ncd"), ("set", dict(RAW, flush=True))], None),
    ("canonical mode makes pending raw input one line", RAW, [("type", b"xy\nz"), ("set", {"localOn": ["ICANON"]})],
     [2, 100, 100]),
    ("canonical mode after raw input, then more lines", RAW,
     [("type", b"xyz"), ("set", {"localOn": ["ICANON"]}), ("type", b"\x7f\x7fuv\r")], None),
    ("pending LNEXT is forgotten when leaving canonical mode", {},
     [("type", b"a\x16"), ("set", RAW), ("set", {"localOn": ["ICANON"]}), ("type", b"\x7f\r")], None),
    ("turning ECHO off mid-line", {}, [("type", b"ab"), ("set", {"localOff": ["ECHO"]}), ("type", b"cd\r")], None),
    # Output processing of program writes.
    ("ONLCR maps NL to CR NL", {}, [("write", b"a\nb\r\n")], None),
    ("without OPOST output is untouched", {"outputOff": ["OPOST"]}, [("write", b"a\nb\r\t")], None),
    ("OLCUC uppercases with the kernel's Latin-1 ctype",
     {"outputOn": ["OLCUC"]}, [("write", b"ab\xe9\xdf\xff\xf7\xe2\x82\xac!z\n")], None),
    ("XTABS expands tabs to spaces", {"outputOn": ["XTABS"]}, [("write", b"a\tbc\t\x01\td\n\t")], None),
    ("ONOCR drops CR at column 0", {"outputOn": ["ONOCR"]}, [("write", b"\rab\r\r")], None),
    ("ONLRET moves to column 0 on NL", {"outputOn": ["ONOCR", "ONLRET"], "outputOff": ["ONLCR"]},
     [("write", b"ab\n\r")], None),
    ("OCRNL maps CR to NL", {"outputOn": ["OCRNL"]}, [("write", b"ab\r")], None),
    ("ONOCR before OCRNL", {"outputOn": ["OCRNL", "ONOCR"]}, [("write", b"\rab")], None),
    ("echo goes through output processing", {"outputOn": ["OLCUC", "XTABS"]}, [("type", b"a\tb\r")], None),
    ("echo without OPOST", {"outputOff": ["OPOST"]}, [("type", b"ab\x01\x7f\x7f\r")], None),
    ("ERASE of a tab with XTABS", {"outputOn": ["XTABS"]}, [("type", b"ab\t\x7fc\r")], None),
]


def main():
    print("// Generated by linux-transcripts.py on Linux %s: what a real pty echoed and read for each" % os.uname().release)
    print("// case. Regenerate rather than edit: python3 linux-transcripts.py > LinuxTranscripts.swift")
    print("import LinuxABI")
    print()
    master, slave = pty.openpty()
    attributes = T.tcgetattr(slave)
    os.close(master)
    os.close(slave)
    print("/// A new pty's settings, which LineDiscipline's default must match.")
    print("let linuxPtyDefault = Termios(")
    print("    inputFlags: TermiosInputFlags(rawValue: 0x%x), outputFlags: TermiosOutputFlags(rawValue: 0x%x)," % (attributes[0], attributes[1]))
    print("    controlFlags: TermiosControlFlags(rawValue: 0x%x), localFlags: TermiosLocalFlags(rawValue: 0x%x)," % (attributes[2], attributes[3]))
    print("    controlCharacters: [%s])" % ", ".join(str(c[0]) for c in attributes[6][:19]))
    print()
    print("let linuxTranscripts: [Transcript] = [")
    for name, settings, steps, read_sizes in CASES:
        output, reads = record(steps, settings, read_sizes)
        print("    Transcript(")
        print("        %s," % ('"' + name + '"'))
        print("        settings: %s," % settings_source(settings))
        print("        steps: [%s]," % ", ".join(step_source(kind, value) for kind, value in steps))
        if read_sizes:
            print("        readSizes: [%s]," % ", ".join(str(size) for size in read_sizes))
        print("        output: %s," % literal(output))
        print("        reads: [%s])," % ", ".join(literal(data) for data in reads))
    print("]")


main()
