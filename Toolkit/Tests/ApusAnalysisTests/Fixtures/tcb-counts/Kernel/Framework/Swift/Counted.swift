// Counted: 8 lines of code.

/* A block
   comment */
struct Counted {  // trailing comment, still code
    let text = """
        line one
        """

    /// Doc comment.
    func f() -> Int {
        // A comment line is not code.
        return 1
    }
}
