// The kernel command line, as Linux reads it (Documentation/admin-guide/kernel-parameters.rst):
// whitespace-separated `name` or `name=value` words; double quotes group spaces into one word
// (the quotes are dropped); everything after a lone `--` is handed to init as its arguments.

public struct KernelCommandLine: Equatable, Sendable {
    public struct Parameter: Equatable, Sendable {
        public let name: String
        public let value: String?
    }

    public let parameters: [Parameter]
    /// Words after `--`: extra arguments for init.
    public let initArguments: [String]

    public init(_ text: String) {
        var parameters: [Parameter] = []
        var initArguments: [String] = []
        var afterSeparator = false
        for word in KernelCommandLine.words(text) {
            if afterSeparator {
                initArguments.append(word)
            } else if word == "--" {
                afterSeparator = true
            } else if let equals = word.firstIndex(of: "=") {
                parameters.append(Parameter(name: String(word[..<equals]),
                                            value: String(word[word.index(after: equals)...])))
            } else {
                parameters.append(Parameter(name: word, value: nil))
            }
        }
        self.parameters = parameters
        self.initArguments = initArguments
    }

    /// The value of the last `name=value` for `name` (later words override earlier ones, as in Linux).
    public func value(of name: String) -> String? {
        parameters.last { $0.name == name }?.value ?? nil
    }

    public func contains(_ name: String) -> Bool {
        parameters.contains { $0.name == name }
    }

    /// What Linux hands to init's environment: every `name=value` word (before `--`) whose name
    /// the kernel does not consume itself and that is not a `module.parameter`.
    public func initEnvironment(kernelParameters: [String]) -> [String] {
        parameters.compactMap { parameter in
            guard let value = parameter.value, !parameter.name.isEmpty,
                  !parameter.name.utf8.contains(UInt8(ascii: ".")),
                  !kernelParameters.contains(parameter.name) else { return nil }
            return parameter.name + "=" + value
        }
    }

    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var hasWord = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                hasWord = true
            } else if !inQuotes && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")) {
                if hasWord { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
                hasWord = false
            } else {
                current.append(byte)
                hasWord = true
            }
        }
        if hasWord { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}
