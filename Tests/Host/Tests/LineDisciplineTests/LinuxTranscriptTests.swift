// Replays every recorded Linux pty transcript (LinuxTranscripts.swift) through LineDiscipline:
// the same keys, program output and settings changes must produce the same bytes on the device
// and the same results from read(2).
import Testing
import LinuxABI
import LineDiscipline

@Test func defaultsAreThoseOfALinuxPty() {
    let linux = linuxPtyDefault
    let ours = Termios.linuxDefault
    #expect(ours.inputFlags == linux.inputFlags)
    #expect(ours.outputFlags == linux.outputFlags)
    #expect(ours.localFlags == linux.localFlags)
    #expect(Array(ours.controlCharacters.prefix(17)) == Array(linux.controlCharacters.prefix(17)))
    // A pty has no HUPCL; a serial console (tty_std_termios) does.
    #expect(ours.controlFlags.subtracting(.HUPCL) == linux.controlFlags)
}

@Test(arguments: linuxTranscripts) func behavesLikeLinux(_ transcript: Transcript) {
    var discipline = LineDiscipline(transcript.settings)
    var output: [UInt8] = []
    for step in transcript.steps {
        switch step {
        case .type(let keys):
            let reaction = discipline.type(keys)
            #expect(reaction.signals.isEmpty)
            output += reaction.echo
        case .write(let text):
            output += discipline.processOutput(bytes(text))
        case .set(let changes, let flushing):
            discipline.change(changes, flushing: flushing)
        }
    }
    #expect(notation(output) == notation(bytes(transcript.output)), "device output")
    let reads = discipline.readAll(sizes: transcript.readSizes).map(notation)
    #expect(reads == transcript.reads.map { notation(bytes($0)) }, "reads")
}
