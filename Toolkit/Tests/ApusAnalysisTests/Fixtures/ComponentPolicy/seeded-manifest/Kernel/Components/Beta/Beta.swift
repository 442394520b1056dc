// Names that look like controlled APIs but are not: none of these may be reported.
import Alpha
import Framework

struct Ledger {
    static func map(entry: Int) -> Int { entry }
    static func off(exitStatus: Int32, reason: String) {}
}

enum Beta {
    static func run(_ pages: Pages) {
        let doubled = [1, 2].map { $0 * 2 }
        _ = Ledger.map(entry: doubled[0])
        Ledger.off(exitStatus: 1, reason: "not Power")
        _ = pages.query(0)
        _ = helper()
        // Power.off(exitStatus: 1) in a comment, and in a string:
        _ = "Power.off(exitStatus: 1)"
    }
}
