// Seeded: @unchecked Sendable on a class and in an extension.
final class Box: @unchecked Sendable {
    var value = 0
}
final class Other {}
extension Other: @unchecked Swift.Sendable {}
