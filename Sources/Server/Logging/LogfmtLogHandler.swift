public import Logging
import Model

/// The log format Prometheus users read and grep: `logfmt` (default) or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}

/// A swift-log handler writing one line per event to standard error, in logfmt or JSON,
/// like Prometheus's `--log.format`. Metadata keys are sorted so lines are stable.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: LogFormat
    private let sink: @Sendable (String) -> Void

    /// - Parameters:
    ///   - label: the logger label, printed as `component` unless it is `lantern`.
    ///   - sink: where finished lines go (standard error by default; tests capture them).
    public init(label: String, format: LogFormat, level: Logger.Level, sink: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink ?? { line in StandardError.write(line) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        if label != "lantern", all["component"] == nil { all["component"] = .string(label) }
        let ts = TimeFormat.rfc3339Millis(Timestamp.now())
        let fields = all.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        let line: String
        switch format {
        case .logfmt:
            var s = "ts=\(ts) level=\(Self.levelName(event.level)) msg=\(Self.logfmtValue(event.message.description))"
            for (k, v) in fields { s += " \(k)=\(Self.logfmtValue(v))" }
            line = s
        case .json:
            var s = "{\"ts\":\(Self.jsonString(ts)),\"level\":\(Self.jsonString(Self.levelName(event.level))),\"msg\":\(Self.jsonString(event.message.description))"
            for (k, v) in fields { s += ",\(Self.jsonString(k)):\(Self.jsonString(v))" }
            line = s + "}"
        }
        sink(line + "\n")
    }

    /// Prometheus's level names: debug, info, warn, error.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warn"
        case .error, .critical: return "error"
        }
    }

    /// Bare when safe, else double-quoted with escapes, as go-logfmt does.
    static func logfmtValue(_ v: String) -> String {
        if v.isEmpty { return "\"\"" }
        let needsQuote = v.unicodeScalars.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.value < 0x20 || $0 == "\\" }
        return needsQuote ? quoted(v) : v
    }

    static func jsonString(_ v: String) -> String {
        var out = "\""
        for ch in v.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 {
                    let hex = String(ch.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }
}
