// Kernel command lines, word for word. The user gives the words either one argv element each
// (`apus run -- init=/bin/busybox -- sh -c 'echo hi; exit 7'`, already split by their shell) or as
// one text in shell syntax (`make run KCMD="..."`, read verbatim from the environment and split
// here like sh does, with quotes and backslashes but no expansions). The words are then quoted
// for the kernel's parser (Kernel/Libraries/KernelCommandLine, as Linux's
// Documentation/admin-guide/kernel-parameters.rst: whitespace separates words, double quotes
// group them and are dropped), so each word reaches the kernel, and init's argv, as one word.
// That parser has no escape for a double quote itself: a word containing one cannot be carried
// and is refused with an explanation instead of being altered.

public enum KernelCommandLineWords {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unterminatedQuote(Character)
        case trailingBackslash
        case doubleQuoteInWord(String)

        public var description: String {
            switch self {
            case .unterminatedQuote(let quote): "kernel command line: unterminated \(quote) quote"
            case .trailingBackslash: "kernel command line: a backslash at the end escapes nothing"
            case .doubleQuoteInWord(let word):
                "kernel command line: the word \(word) contains a double quote; the kernel's parser (like Linux's) drops double quotes and has no escape for them, so it cannot reach init intact"
            }
        }
    }

    /// Splits text the way sh splits a command's words, without expansions: blanks separate words,
    /// '...' is literal, "..." is literal except \" \\ \$ \` and \<newline>, and a backslash
    /// outside quotes makes the next character literal (\<newline> joins lines).
    public static func splitShellWords(_ text: String) throws(ParseError) -> [String] {
        var words: [String] = []
        var current = ""
        var hasWord = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            switch character {
            case " ", "\t", "\n":
                if hasWord { words.append(current) }
                current = ""
                hasWord = false
            case "'":
                hasWord = true
                guard let end = characters.firstIndex(of: "'") else { throw .unterminatedQuote("'") }
                current += String(characters[..<end])
                characters = characters[(end + 1)...]
            case "\"":
                hasWord = true
                var closed = false
                while let inner = characters.popFirst() {
                    if inner == "\"" { closed = true; break }
                    if inner == "\\", let next = characters.first, "\"\\$`\n".contains(next) {
                        characters.removeFirst()
                        if next != "\n" { current.append(next) }
                    } else {
                        current.append(inner)
                    }
                }
                guard closed else { throw .unterminatedQuote("\"") }
            case "\\":
                guard let next = characters.popFirst() else { throw .trailingBackslash }
                if next != "\n" {
                    current.append(next)
                    hasWord = true
                }
            default:
                current.append(character)
                hasWord = true
            }
        }
        if hasWord { words.append(current) }
        return words
    }

    /// The kernel command line that the kernel's parser splits back into exactly `words`.
    public static func kernelText(_ words: [String]) throws(ParseError) -> String {
        var quoted: [String] = []
        for word in words {
            if word.contains("\"") { throw .doubleQuoteInWord(word) }
            quoted.append(needsQuotes(word) ? "\"" + word + "\"" : word)
        }
        return quoted.joined(separator: " ")
    }

    /// Empty words and words with whitespace (Linux's isspace set) are quoted.
    static func needsQuotes(_ word: String) -> Bool {
        word.isEmpty || word.unicodeScalars.contains { [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"].contains($0) }
    }
}
