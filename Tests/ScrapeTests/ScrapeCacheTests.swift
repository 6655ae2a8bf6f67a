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
    }

    @Test func hashSeparatesNearKeys() {
        let keys = ["up", "up ", "up{a=\"1\"}", "up{a=\"2\"}", String(repeating: "x", count: 17), String(repeating: "x", count: 16)]
        #expect(Set(keys.map { RawSeriesKey(ArraySlice(Array($0.utf8))).hash }).count == keys.count)
    }
}
