import FrameworkAsm

public func map(_ address: UnsafeMutableRawPointer) {}
func internalHelper(_ p: UnsafeRawPointer) {}
public struct Handle {
    public let raw: OpaquePointer?
    let hidden: UnsafeRawPointer? = nil
    public init(count: CInt) { raw = nil }
    public subscript(index: Int) -> UnsafePointer<UInt8>? { nil }
}
struct InternalType {
    public func leaky(_ p: UnsafeRawPointer) {}
}
public enum Event {
    case trap(trap_frame_t)
    case tick(Int)
    static func internalHelper(_ p: UnsafeRawPointer) {}
}
public typealias Handler = irq_handler_t
public protocol Device {
    func window() -> gdt_pointer
}
public var table = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
public extension Handle {
    func base() -> physaddr_t { 0 }
}
public func safe(_ span: Span<UInt8>) -> Int { 0 }
private struct Detail { public var p: UnsafeRawPointer? }
public func fromC() -> FrameworkAsm.physaddr_t { 0 }
