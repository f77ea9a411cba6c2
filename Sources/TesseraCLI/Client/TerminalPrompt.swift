import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A question to the person at the terminal, as botocore asks for an MFA code (`getpass`): the prompt goes to
/// `/dev/tty` and the answer is read from it with echo off, so neither touches standard input or output
/// (which may carry a transfer's data or its JSON result).
enum TerminalPrompt {
    /// The line typed after `prompt`, without its newline; nil when there is no terminal.
    static func ask(_ prompt: String) -> String? {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var saved = termios()
        let hasTerminalSettings = tcgetattr(descriptor, &saved) == 0
        if hasTerminalSettings {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(descriptor, TCSAFLUSH, &quiet)
        }
        defer {
            if hasTerminalSettings { tcsetattr(descriptor, TCSAFLUSH, &saved) }
        }
        writeAll(descriptor, prompt)
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1, byte != UInt8(ascii: "\n") else { break }
            line.append(byte)
        }
        writeAll(descriptor, "\n")
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func writeAll(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
