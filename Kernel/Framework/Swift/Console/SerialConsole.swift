// The boot console: the 16550 UART at COM1 (I/O port 0x3f8), 115200 8N1.
// Output is polled (wait for the transmit holding register to empty), so it works from any
// context, including a panic. Input is interrupt driven: the receive interrupt (ISA IRQ 4) drains
// the FIFO and hands each byte to the sink the kernel injected (the TTY line discipline). The
// receive interrupt is enabled only once that sink exists: until then input waits in the UART
// (and in whatever feeds it: QEMU stops reading its input while the FIFO is full) instead of
// being drained with nobody to take it. Input typed or piped during boot (mounting a root disk
// takes a while) reaches the first program that reads the console.
// Output is serialized by a spin lock so lines from different contexts do not interleave bytes.

import FrameworkAsm
import Synchronization

public enum SerialConsole {
    static let base: UInt16 = 0x3f8
    static let irq: UInt8 = 4
    static let outputLock = RawSpinLock()
    // SAFETY: set once by the kernel before input interrupts can call it; read in the IRQ handler.
    nonisolated(unsafe) static var inputSinkStorage: (@Sendable (UInt8) -> Void)? = nil
    static var inputSink: (@Sendable (UInt8) -> Void)? { _read { yield unsafe inputSinkStorage } _modify { yield unsafe &inputSinkStorage } }

    static func initialize() {
        cpu_outb(base + 1, 0x00)        // no interrupts yet
        cpu_outb(base + 3, 0x80)        // DLAB
        cpu_outb(base + 0, 0x01)        // divisor 1: 115200 baud
        cpu_outb(base + 1, 0x00)
        cpu_outb(base + 3, 0x03)        // 8N1
        cpu_outb(base + 2, 0xC7)        // FIFO on, cleared, 14-byte threshold
        cpu_outb(base + 4, 0x0B)        // DTR, RTS, OUT2 (routes the IRQ)
    }

    static func enableInputInterrupts() {
        IRQRouting.route(isaIRQ: irq, handler: drainInput)
    }

    /// Injects the consumer of console input. Bytes are delivered in interrupt context, from
    /// now on: the received-data-available interrupt is enabled here (bytes already waiting
    /// raise it at once).
    /// - Controlled: console-input
    public static func setInputSink(_ sink: @escaping @Sendable (UInt8) -> Void) {
        Interrupts.withDisabled {
            inputSink = sink
            cpu_outb(base + 1, 0x01)    // received-data-available interrupt
        }
    }

    static func drainInput() {
        while cpu_inb(base + 5) & 0x01 != 0 {
            let byte = cpu_inb(base)
            inputSink?(byte)
        }
    }

    static func writeByteUnlocked(_ byte: UInt8) {
        while cpu_inb(base + 5) & 0x20 == 0 { cpu_pause() }
        cpu_outb(base, byte)
    }

    /// Writes bytes exactly as given (no newline translation: the TTY layer does that).
    public static func write(_ bytes: Span<UInt8>) {
        outputLock.withLock {
            for index in bytes.indices { writeByteUnlocked(bytes[index]) }
        }
    }

    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            outputLock.withLock {
                // SAFETY: `buffer` is valid for the duration of withUTF8's closure.
                for unsafe byte in unsafe buffer { writeByteUnlocked(byte) }
            }
        }
    }

    public static func write(byte: UInt8) {
        outputLock.withLock { writeByteUnlocked(byte) }
    }
}

@c(putchar)
func putchar(_ character: Int32) -> Int32 {
    let byte = UInt8(truncatingIfNeeded: character)
    SerialConsole.outputLock.withLock {
        if byte == 10 { SerialConsole.writeByteUnlocked(13) }
        SerialConsole.writeByteUnlocked(byte)
    }
    return character
}
