// SAFETY: this covers the paragraph below it, for up to six lines.
nonisolated(unsafe) var first = 0
nonisolated(unsafe) var second = 0
nonisolated(unsafe) var third = 0
nonisolated(unsafe) var fourth = 0
nonisolated(unsafe) var fifth = 0
nonisolated(unsafe) var sixth = 0
nonisolated(unsafe) var seventh = 0

// SAFETY: separated from the declaration by a blank line.

nonisolated(unsafe) var eighth = 0

// Safety: the wrong case does not count.
@unsafe func lowercase() {}

func body(_ p: UnsafePointer<Int>) -> Int {
    // SAFETY: a comment separated from the site by a blank line does not count.
    let a = 1

    return a + unsafe p.pointee
}
let text = "// SAFETY: inside a string is not a comment"; let zero = unsafe 0
