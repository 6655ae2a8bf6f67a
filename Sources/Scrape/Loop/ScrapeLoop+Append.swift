import Model
import Storage

/// Sample counts of one scrape, reported as `scrape_samples_*` and `scrape_series_added`.
struct AppendCounts {
    var scraped = 0
    var postRelabel = 0
    var added = 0
    var outOfOrder = 0
    var duplicates = 0
}

extension ScrapeLoop {
    /// Parses the body and appends every sample. Any parse error, limit breach or invalid
    /// series fails the whole scrape (the caller rolls back).
    mutating func appendBody(_ body: [UInt8], contentType: String?, at ts: Timestamp, to appender: inout any Appender) throws -> AppendCounts {
        var parser = try ExpositionParser(bytes: body, contentType: contentType, fallback: settings.fallbackProtocol)
        var counts = AppendCounts()
        // The text parser asks the cache about each sample's series bytes and skips the label
        // checks of known ones (their bytes parsed before); `asked`/`hit` carry the answer out.
        var asked = false, hit: ScrapeCache.Index?
        while true {
            asked = false
            guard let entry = try parser.next(known: { key in
                asked = true
                hit = cache.index(of: key)
                return hit != nil
            }) else { break }
            switch entry {
            case .series: break
            case .help(let name, let text): metadata.note(name) { $0.help = text }; continue
            case .type(let name, let type): metadata.note(name) { $0.type = type }; continue
            case .unit(let name, let unit): metadata.note(name) { $0.unit = unit }; continue
            case .comment: continue
            }
            counts.scraped += 1
            let t = settings.honorTimestamps ? (parser.timestamp ?? ts) : ts
            let index: ScrapeCache.Index
            if let i = asked ? hit : cache.index(of: parser.seriesBytes) {
                index = i
                _ = cache.markSeen(i)
            } else {
                let labels = try finalLabels(parser.labels())
                index = cache.insert(parser.seriesBytes, labels: labels)
                if labels != nil { counts.added += 1 }
            }
            guard !cache.isDropped(index) else { continue }
            counts.postRelabel += 1
            if settings.sampleLimit > 0, counts.postRelabel > settings.sampleLimit { throw ScrapeError.sampleLimitExceeded }
            do {
                // By ref first: a known series' labels are not read (nor retained) at all.
                let known = cache.ref(index)
                if let known, try appender.append(known: known, at: t, value: parser.value) { continue }
                let ref = try appender.append(known, cache[index].labels!, at: t, value: parser.value)
                if ref != known { cache[index].ref = ref }
            } catch let e as AppendError where e == .outOfOrder {
                counts.outOfOrder += 1
            } catch let e as AppendError where e == .duplicateSampleForTimestamp {
                counts.duplicates += 1
            }
        }
        return counts
    }

    /// Target labels merged in (honor_labels), metric relabeling, label limits; nil = dropped.
    func finalLabels(_ scraped: Labels) throws -> Labels? {
        let merged = Self.mergeTargetLabels(scraped, target: report.targetLabels, honorLabels: settings.honorLabels)
        guard let labels = Relabeling.process(merged, settings.metricRelabelRules) else { return nil }
        if settings.labelLimit > 0, labels.count > settings.labelLimit {
            throw ScrapeError.labelLimit("label_limit exceeded (metric: \(labels.metricName ?? ""), number of labels: \(labels.count), limit: \(settings.labelLimit))")
        }
        for l in labels {
            if settings.labelNameLengthLimit > 0, l.name.utf8.count > settings.labelNameLengthLimit {
                throw ScrapeError.labelLimit("label_name_length_limit exceeded (metric: \(labels.metricName ?? ""), label name: \(l.name), length: \(l.name.utf8.count), limit: \(settings.labelNameLengthLimit))")
            }
            if settings.labelValueLengthLimit > 0, l.value.utf8.count > settings.labelValueLengthLimit {
                throw ScrapeError.labelLimit("label_value_length_limit exceeded (metric: \(labels.metricName ?? ""), label name: \(l.name), value: \(quoted(l.value)), length: \(l.value.utf8.count), limit: \(settings.labelValueLengthLimit))")
            }
        }
        return labels
    }

    /// Prometheus's `mutateSampleLabels`: with `honor_labels` the scraped value wins; without,
    /// the target's wins and a clashing scraped label is kept as `exported_<name>`.
    static func mergeTargetLabels(_ scraped: Labels, target: Labels, honorLabels: Bool) -> Labels {
        if target.isEmpty { return scraped }
        var lb = LabelsBuilder(scraped)
        if honorLabels {
            for l in target where (scraped[l.name] ?? "").isEmpty { lb.set(l.name, l.value) }
        } else {
            var conflicts: [(String, String)] = []
            for l in target {
                if let existing = scraped[l.name], !existing.isEmpty { conflicts.append((l.name, existing)) }
                lb.set(l.name, l.value)
            }
            for (name, value) in conflicts {
                var exported = "exported_" + name
                while let v = scraped[exported], !v.isEmpty { exported = "exported_" + exported }
                lb.set(exported, value)
            }
        }
        return lb.labels()
    }
}
