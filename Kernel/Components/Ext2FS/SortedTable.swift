// A map from 64-bit keys to values as two parallel arrays kept in key order (binary search).
// The kernel has no Dictionary or Set: they hash with x87 floating point (`ceil`), which kernel
// code must not touch (see Framework/Swift/Runtime/RuntimeSymbols.swift). Tables here hold at
// most a few thousand entries (cached metadata units, live inodes, page hashes of a file).

struct SortedTable<Value> {
    private(set) var keys: [UInt64] = []
    private(set) var values: [Value] = []

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// Where `key` is, or where it would go.
    func position(of key: UInt64) -> (found: Bool, index: Int) {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return (low < keys.count && keys[low] == key, low)
    }

    func contains(_ key: UInt64) -> Bool { position(of: key).found }

    subscript(key: UInt64) -> Value? {
        get {
            let (found, index) = position(of: key)
            return found ? values[index] : nil
        }
        set {
            let (found, index) = position(of: key)
            switch (found, newValue) {
            case (true, let value?): values[index] = value
            case (true, nil):
                keys.remove(at: index)
                values.remove(at: index)
            case (false, let value?):
                keys.insert(key, at: index)
                values.insert(value, at: index)
            case (false, nil): break
            }
        }
    }

    /// Where the keys `first ..< first + count` sit, consecutive in the table, or nil if any
    /// is missing (one search for a run of keys).
    func positions(ofRun first: UInt64, count: Int) -> Range<Int>? {
        let (found, index) = position(of: first)
        guard found, count > 0, index + count <= keys.count, keys[index + count - 1] == first + UInt64(count - 1) else { return nil }
        return index..<(index + count)
    }

    /// The value at `index` (a position from `positions(ofRun:count:)`), changed in place.
    mutating func modifyValue(at index: Int, _ body: (inout Value) -> Void) {
        body(&values[index])
    }

    @discardableResult
    mutating func removeValue(forKey key: UInt64) -> Value? {
        let (found, index) = position(of: key)
        guard found else { return nil }
        keys.remove(at: index)
        return values.remove(at: index)
    }

    mutating func removeAll(where shouldRemove: (UInt64, Value) -> Bool) {
        var keptKeys: [UInt64] = []
        var keptValues: [Value] = []
        for index in 0..<keys.count where !shouldRemove(keys[index], values[index]) {
            keptKeys.append(keys[index])
            keptValues.append(values[index])
        }
        keys = keptKeys
        values = keptValues
    }

    mutating func removeAll() {
        keys.removeAll()
        values.removeAll()
    }
}
