// Words that are forbidden as code are fine in comments: unsafe x, @unsafe, @_silgen_name("x"),
// nonisolated(unsafe), @unchecked Sendable, unowned(unsafe), import FrameworkAsm, import Glibc.
/* Block comments too: @_extern(c, "f") @c(name) @_cdecl("g") unsafeAddress { } */

/// Doc comments too: `unsafe pointer.pointee`, `@exclusivity(unchecked)`.
public struct Parser {
    public let banner = "unsafe @unsafe @safe @_silgen_name nonisolated(unsafe) import Foundation"
    public let multiline = """
        @unchecked Sendable
        unowned(unsafe) var x
        import _Volatile
        """
    public let raw = #"@_unsafeNonescapableResult unsafeMutableAddress @c(f)"#
    public let unsafeCount = 0

    public init() {}

    public func describe(_ value: Int) -> String {
        "value \(value) is not \("unsafe") at all"
    }
}
