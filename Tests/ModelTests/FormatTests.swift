import Testing
@testable import Model

@Suite struct FormatTests {
    @Test(arguments: [
        (0.0, "0", "0"), (-0.0, "-0", "-0"), (1.0, "1", "1"), (1.5, "1.5", "1.5"), (100000.0, "100000", "100000"),
        (1e6, "1e+06", "1000000"), (1234567.0, "1.234567e+06", "1234567"), (0.0001, "0.0001", "0.0001"),
        (0.00001, "1e-05", "0.00001"), (1.5e-7, "1.5e-07", "0.00000015"), (123.456, "123.456", "123.456"),
        (1e21, "1e+21", "1000000000000000000000"), (-2.5, "-2.5", "-2.5"), (5e-324, "5e-324", nil),
        (Double.infinity, "+Inf", "+Inf"), (-Double.infinity, "-Inf", "-Inf"), (Double.nan, "NaN", "NaN"),
        (0.1, "0.1", "0.1"), (1.7976931348623157e308, "1.7976931348623157e+308", nil),
    ] as [(Double, String, String?)])
    func goFormatting(v: Double, g: String, f: String?) {
        #expect(FloatFormat.goG(v) == g)
        if let f { #expect(FloatFormat.goF(v) == f) }
    }

    @Test func roundTripsThroughGoG() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<10_000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let v = Double(bitPattern: x)
            guard v.isFinite else { continue }
            #expect(Double(FloatFormat.goG(v)) == v)
        }
    }

    @Test(arguments: [
        (0 as Int64, "1970-01-01T00:00:00.000Z"), (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"), (951_782_400_000, "2000-02-29T00:00:00.000Z"),
    ])
    func rfc3339(t: Int64, s: String) {
        #expect(TimeFormat.rfc3339Millis(t) == s)
    }
}
