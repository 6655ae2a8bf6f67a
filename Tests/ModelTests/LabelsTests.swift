import Testing
@testable import Model

@Suite struct LabelsTests {
    @Test func sortsDedupsAndDropsEmptyValues() {
        let l = Labels([Label(name: "b", value: "2"), Label(name: "a", value: "1"), Label(name: "b", value: "3"), Label(name: "c", value: "")])
        #expect(l.map(\.name) == ["a", "b"])
        #expect(l["b"] == "3")
        #expect(l["c"] == nil)
        #expect(l["zz"] == nil)
    }

    @Test func metricNameAndDescription() {
        let l = Labels(("__name__", "up"), ("job", "a\"b\\c\nd"))
        #expect(l.metricName == "up")
        #expect(l.description == #"{__name__="up", job="a\"b\\c\nd"}"#)
        #expect(l.seriesString == #"up{job="a\"b\\c\nd"}"#)
        #expect(Labels(("__name__", "up")).seriesString == "up")
    }

    @Test func stableHashIsStableAndSeparatesBoundaries() {
        let a = Labels(("a", "bc"))
        let b = Labels(("ab", "c"))
        #expect(a.stableHash != b.stableHash)
        #expect(a.stableHash == Labels(("a", "bc")).stableHash)
        // FNV-1a of the empty input: pinned so the hash never silently changes between releases.
        #expect(Labels.empty.stableHash == 0xcbf2_9ce4_8422_2325)
        #expect(Labels(("a", "b")).stableHash == Labels(("a", "b")).stableHash)
    }

    @Test func ordering() {
        #expect(Labels(("a", "1")) < Labels(("a", "2")))
        #expect(Labels(("a", "1")) < Labels(("a", "1"), ("b", "1")))
        #expect(Labels(("a", "9")) < Labels(("b", "1")))
        #expect(!(Labels(("a", "1")) < Labels(("a", "1"))))
    }

    @Test func editing() {
        let l = Labels(("__name__", "x"), ("job", "j"), ("instance", "i"))
        #expect(l.droppingMetricName().metricName == nil)
        #expect(l.setting("job", to: "").has("job") == false)
        #expect(l.setting("zone", to: "z")["zone"] == "z")
        #expect(l.keeping(["job"]).count == 1)
        var b = LabelsBuilder(l)
        b.set("a", "1")
        b.delete("instance")
        #expect(b.labels() == Labels(("__name__", "x"), ("a", "1"), ("job", "j")))
    }

    @Test(arguments: [
        ("up", true, true), ("a:b_c9", true, false), ("_x", true, true), ("9x", false, false),
        ("", false, false), ("a-b", false, false), ("é", false, false),
    ])
    func legacyNames(name: String, metric: Bool, label: Bool) {
        #expect(NameValidation.isLegacyMetricName(name) == metric)
        #expect(NameValidation.isLegacyLabelName(name) == label)
        #expect(NameValidationScheme.utf8.isValidLabelName(name) == !name.isEmpty)
    }

    @Test func staleMarkerIsNotOrdinaryNaN() {
        let stale = StaleNaN.value
        #expect(stale.isNaN)
        #expect(stale.isStaleMarker)
        #expect(!Double.nan.isStaleMarker)
        #expect(stale.bitPattern == 0x7ff0_0000_0000_0002)
        #expect(Sample(t: 1, v: stale) != Sample(t: 1, v: .nan))
        #expect(Sample(t: 1, v: .nan) == Sample(t: 1, v: .nan))
    }
}
