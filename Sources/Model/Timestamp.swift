#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds since the Unix epoch, as Prometheus stores sample times.
public typealias Timestamp = Int64

/// A sample of one series: time and float value.
public struct Sample: Sendable, Equatable {
    public var t: Timestamp
    public var v: Double

    public init(t: Timestamp, v: Double) {
        self.t = t
        self.v = v
    }

    /// Bit-exact equality: NaN payloads (the staleness marker among them) compare by bits.
    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.t == rhs.t && lhs.v.bitPattern == rhs.v.bitPattern
    }
}

/// Prometheus's staleness marker: a NaN with a payload no arithmetic produces.
public enum StaleNaN {
    /// The bit pattern Prometheus writes (`value.StaleNaN`).
    public static let bitPattern: UInt64 = 0x7ff0_0000_0000_0002
    /// The marker as a Double.
    public static let value = Double(bitPattern: bitPattern)
}

extension Double {
    /// True only for the staleness marker, never for an ordinary NaN.
    @inline(__always) public var isStaleMarker: Bool { bitPattern == StaleNaN.bitPattern }
}

extension Timestamp {
    /// Milliseconds now, from the system clock.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
