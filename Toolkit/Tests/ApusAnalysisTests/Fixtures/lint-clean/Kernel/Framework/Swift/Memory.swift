// Privileged code may do everything the lint forbids elsewhere.
import FrameworkAsm
import _Volatile

@_silgen_name("framework_entry") func frameworkEntry()
@_extern(c, "outb") func outb(_ port: UInt16, _ value: UInt8)
@c(framework_boot) func boot() {}
@_cdecl("framework_main") func frameworkMain() {}
nonisolated(unsafe) var bootStack: UInt64 = 0
final class Frame: @unchecked Sendable { unowned(unsafe) var next: Frame? = nil }
@unsafe func poke(_ address: UnsafeMutablePointer<UInt8>) { unsafe address.pointee = 0 }
@safe struct Region { let base: UnsafeMutableRawPointer }
