// A conversation with an interactive shell over a ConsoleDriver: type a command line, wait for
// the next prompt, get what the command printed. Every wait has a timeout and says why it gave
// up; nothing here measures how long the guest took beyond "it came back in time".

import Foundation

public final class ShellConversation: @unchecked Sendable {
    public let console: ConsoleDriver
    /// The prompt the shell prints when it waits for a command (PS1 as the shell expands it).
    public var prompt: String

    public init(console: ConsoleDriver, prompt: String) {
        self.console = console
        self.prompt = prompt
    }

    public enum Key: String, Sendable {
        case enter = "\r", interrupt = "\u{03}", suspend = "\u{1a}", endOfFile = "\u{04}"
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Types `command` and Enter; returns what it printed before the next prompt.
    public func run(_ command: String, timeoutSeconds: Double = 60) throws(Failure) -> String {
        let mark = console.position
        console.type(command + Key.enter.rawValue)
        return try output(since: mark, timeoutSeconds: timeoutSeconds, what: "`\(command)`")
    }

    /// Types `command` and Enter, and returns once the shell has echoed the line (the command is
    /// starting); the mark to pass to `output(since:)` later.
    public func start(_ command: String, timeoutSeconds: Double = 30) throws(Failure) -> Int {
        let mark = console.position
        console.type(command + Key.enter.rawValue)
        guard console.wait(since: mark, timeoutSeconds: timeoutSeconds, until: { $0.contains("\n") }) else {
            throw Failure("the shell did not echo `\(command)` within \(Int(timeoutSeconds)) s")
        }
        return mark
    }

    public func press(_ key: Key) { console.type(key.rawValue) }

    /// What was printed since `mark` up to the next prompt, waiting for that prompt.
    public func output(since mark: Int, timeoutSeconds: Double, what: String) throws(Failure) -> String {
        let prompt = self.prompt
        let cameBack = console.wait(since: mark, timeoutSeconds: timeoutSeconds) { text in
            TerminalText.commandOutput(after: text, prompt: prompt) != nil && TerminalText.endsWithPrompt(text, prompt: prompt)
        }
        let text = console.text(since: mark)
        guard cameBack, let output = TerminalText.commandOutput(after: text, prompt: prompt) else {
            throw Failure("no prompt after \(what) within \(Int(timeoutSeconds)) s; the console shows: \(Self.tail(text))")
        }
        return output
    }

    /// After a failed step: ^C until the shell prompts again. False if it does not.
    public func recover(timeoutSeconds: Double = 20) -> Bool {
        for _ in 0..<2 {
            let mark = console.position
            press(.interrupt)
            let prompt = self.prompt
            if console.wait(since: mark, timeoutSeconds: timeoutSeconds / 2, until: { TerminalText.endsWithPrompt($0, prompt: prompt) }) {
                return true
            }
        }
        return false
    }

    /// The last few lines of `text`, on one line, for failure messages.
    public static func tail(_ text: String, lines count: Int = 4) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count)
        let joined = lines.joined(separator: " | ").trimmingCharacters(in: .whitespaces)
        return joined.isEmpty ? "(nothing)" : "'\(joined)'"
    }
}
