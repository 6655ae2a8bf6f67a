import Model
import Testing
@testable import Scrape

@Suite struct ScrapeCacheTests {
    func raw(_ s: String) -> ArraySlice<UInt8> { ArraySlice(Array(s.utf8)) }

    @Test func tracksDisappearedSeriesAndEvictsOldOnes() {
        var cache = ScrapeCache()
        cache.begin()
        for name in ["a", "b", "c{x=\"1\"}"] { _ = cache.insert(raw(name), labels: Labels(("__name__", name))) }
        _ = cache.insert(raw("dropped"), labels: nil)
        cache.endSuccessfulScrape()

        cache.begin()
        for name in ["a", "b"] {
            let first = cache.markSeen(cache.index(of: raw(name))!)
            #expect(first)
        }
        let again = cache.markSeen(cache.index(of: raw("a"))!)
        #expect(again == false, "second sighting in one scrape")
        #expect(cache.disappeared().map { $0.labels?.metricName } == ["c{x=\"1\"}"])
        cache.endSuccessfulScrape()

        for _ in 0..<20 {
            cache.begin()
            for name in ["a", "b"] { _ = cache.markSeen(cache.index(of: raw(name))!) }
            cache.endSuccessfulScrape()
        }
        #expect(cache.index(of: raw("c{x=\"1\"}")) == nil, "evicted once unseen for ten scrapes (checked every tenth scrape)")
        #expect(cache.index(of: raw("dropped")) == nil)
        #expect(cache[cache.index(of: raw("b"))!].labels?.metricName == "b", "slots renumbered consistently")
        #expect(cache.lastScrapeSeries().count == 2)
        #expect(cache.key(cache.index(of: raw("b"))!) == Array("b".utf8), "the key arena was compacted with the entries")
        #expect(cache.key(cache.index(of: raw("a"))!) == Array("a".utf8))
    }

    @Test func manyKeysSurviveGrowthAndEviction() {
        var cache = ScrapeCache()
        cache.begin()
        let names = (0..<1500).map { "metric_\($0 % 97){instance=\"\($0)\"}" }
        for n in names { _ = cache.insert(raw(n), labels: Labels(("__name__", n))) }
        cache.endSuccessfulScrape()
        for round in 0..<20 {  // the odd half vanishes: gone ten scrapes later, at an eviction check
            cache.begin()
            for (i, n) in names.enumerated() where i % 2 == 0 || round == 0 { _ = cache.markSeen(cache.index(of: raw(n))!) }
            cache.endSuccessfulScrape()
        }
        for (i, n) in names.enumerated() {
            let found = cache.index(of: raw(n))
            if i % 2 == 0 {
                #expect(found.map { cache.key($0) } == Array(n.utf8))
            } else {
                #expect(found == nil)
            }
        }
        #expect(cache.index(of: raw("metric_1{instance=\"100001\"}")) == nil)
    }

    @Test func hashSeparatesNearKeys() {
        let keys = ["up", "up ", "up{a=\"1\"}", "up{a=\"2\"}", String(repeating: "x", count: 17), String(repeating: "x", count: 16)]
        #expect(Set(keys.map { Array($0.utf8).withUnsafeBytes { RawSeriesKey.hash($0) } }).count == keys.count)
    }
}
