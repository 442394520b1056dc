// SAFETY: block above a declaration with attributes.
@inline(__always)
@unsafe
func a() {}

/// Reads the thing.
/// SAFETY: a doc comment block counts.
@unsafe func b() {}

func c(_ p: UnsafeMutablePointer<Int>) {
    // SAFETY: multi-line statement, comment above its first line.
    let value = max(
        1,
        unsafe p.pointee)
    _ = value
    let sum = 1 +
        // SAFETY: comment right above the site line.
        unsafe p.pointee
    _ = sum
    let total = [1, 2].map { x in  // SAFETY: comment on the first line of the enclosing statement.
        unsafe p.pointee + x
    }
    _ = total
    // SAFETY: the closure runs before p is freed.
    let doubled = [1].map { x in
        unsafe p.pointee * x
    }
    _ = doubled
    /* SAFETY: block comment on the same line */ unsafe p.pointee = 3
}

final class Box: @unchecked Sendable {} // SAFETY: immutable after init.

struct Holder {
    // SAFETY: the holder outlives the box (the pool frees both together).
    unowned(unsafe) var owner: Box
}

struct Records {
    let base: UnsafeMutablePointer<Int>
    // SAFETY (all six accessors): base points at a live array of six records; the
    // comment block starts above the six-line window but reaches into it.
    func first() -> Int { unsafe base[0] }
    func second() -> Int { unsafe base[1] }
    func third() -> Int { unsafe base[2] }
    func fourth() -> Int { unsafe base[3] }
    func fifth() -> Int { unsafe base[4] }
    func sixth() -> Int { unsafe base[5] }
}
