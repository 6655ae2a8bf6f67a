import ArgumentParser
import Config

/// Duration and size flags in Prometheus's syntax, parsed by the same types as prometheus.yml.
enum FlagValues {
    /// Milliseconds of a Prometheus duration (`15d`, `1h30m`, `0`).
    static func duration(_ text: String, flag: String) throws -> Int64 {
        do {
            return try PromDuration(parsing: text).milliseconds
        } catch {
            throw ValidationError("invalid value \"\(text)\" for flag \(flag): \(error.message)")
        }
    }

    /// Bytes of a size (`512MB`, base-2 units as Prometheus's `--storage.tsdb.retention.size`).
    static func bytes(_ text: String, flag: String) throws -> Int64 {
        if let n = Int64(text) { return n }
        do {
            return try ByteSize(parsing: text).bytes
        } catch {
            throw ValidationError("invalid value \"\(text)\" for flag \(flag): \(error.message)")
        }
    }
}
