// Seeded: a file SwiftSyntax cannot parse.
struct Broken {
    func f( {
}
