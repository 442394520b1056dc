// expect-error: expression uses unsafe constructs but is not marked with 'unsafe'
// A safe kernel module must not touch raw pointers: strict memory safety rejects it.
import Framework

func peek(_ address: UInt) -> UInt8 {
    UnsafePointer<UInt8>(bitPattern: address)!.pointee
}
