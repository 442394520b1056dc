// Seeded: disabled exclusivity checking (the `checked` form is fine).
final class Table {
    @exclusivity(checked) var checkedEntries = 0
    @exclusivity(unchecked) var entries = 0
}
