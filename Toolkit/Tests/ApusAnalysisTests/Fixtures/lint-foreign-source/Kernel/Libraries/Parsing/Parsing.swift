public func parse() -> Int { 0 }
