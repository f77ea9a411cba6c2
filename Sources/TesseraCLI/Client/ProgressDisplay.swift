import Foundation
import TesseraClient

/// Shows a transfer's progress on stderr: a bar redrawn in place (bytes, rate, time left) when stderr is a
/// terminal, otherwise a plain line every few seconds and one for each status message.
struct ProgressDisplay: Sendable {
    let label: String
    let interactive: Bool

    init(label: String, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.interactive = interactive
    }

    /// Runs `transfer` while drawing `reporter`'s progress (plain lines when stderr is not a terminal or the
    /// result is wanted as JSON), and returns its result once the display has drawn its last line.
    static func showing<Result: Sendable>(_ reporter: TransferProgressReporter, label: String, json: Bool,
                                          _ transfer: () async throws -> Result) async throws -> Result {
        let display = ProgressDisplay(label: label, interactive: !json && isatty(STDERR_FILENO) == 1)
        let drawing = Task { await display.show(reporter.updates) }
        do {
            let result = try await transfer()
            await drawing.value
            return result
        } catch {
            reporter.finish()
            await drawing.value
            throw error
        }
    }

    /// Draws `updates` until the stream ends.
    func show(_ updates: AsyncStream<TransferProgress>) async {
        let start = ContinuousClock.now
        // A terminal gets the bar at once; a log gets its first line after one interval.
        var lastDraw = interactive ? start - .seconds(60) : start
        var last: TransferProgress?
        for await progress in updates {
            last = progress
            if let status = progress.status {
                write((interactive ? "\r\u{1B}[K" : "") + "\(label): \(status)\n")
            }
            let now = ContinuousClock.now
            let interval: Duration = interactive ? .milliseconds(100) : .seconds(5)
            if now - lastDraw >= interval {
                lastDraw = now
                draw(progress, elapsed: now - start)
            }
        }
        // The summary, when anything moved: a transfer that failed at its first request has nothing to say.
        if let last, last.completedBytes > 0 { draw(last, elapsed: ContinuousClock.now - start, final: true) }
    }

    private func draw(_ progress: TransferProgress, elapsed: Duration, final: Bool = false) {
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
        let rate = Double(progress.transferredBytes) / seconds
        var text = "\(label): \(Self.bytes(progress.completedBytes))"
        if let total = progress.totalBytes, total > 0 {
            let fraction = min(Double(progress.completedBytes) / Double(total), 1)
            text += " / \(Self.bytes(total)) \(Int(fraction * 100))%"
            if interactive {
                let width = 24
                let filled = Int(fraction * Double(width))
                text = "[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] " + text
            }
            if rate > 0, !final {
                let left = Double(total - progress.completedBytes) / rate
                text += " ETA \(Self.clock(left))"
            }
        }
        text += "  \(Self.bytes(Int64(rate)))/s"
        if progress.completedBytes > progress.transferredBytes {
            text += " (\(Self.bytes(progress.completedBytes - progress.transferredBytes)) not sent: already there or zero)"
        }
        write(interactive ? "\r\u{1B}[K" + text + (final ? "\n" : "") : text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
