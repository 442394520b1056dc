public func parse(_ text: String) -> Int { text.count }
