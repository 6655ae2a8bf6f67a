public import Model
public import Logging
import Synchronization

/// Writes to a primary storage and any number of secondaries (e.g. remote write), reads
/// from all of them merged. Follows Prometheus's `storage/fanout.go`: the primary is the
/// source of truth. Its errors fail appends, commits and queries; a secondary's errors are
/// logged and counted (`lantern_tsdb_fanout_secondary_errors_total`) and never cost the
/// primary's data; a failing secondary on reads becomes a warning on the result.
public final class FanoutStorage: Storage, Sendable {
    /// The primary's estimate (secondaries are remote or empty for reads).
    public func estimatedSeries(matching matchers: [Matcher]) -> Int? { primary.estimatedSeries(matching: matchers) }

    let primary: any Storage
    let secondaries: [any Storage]
    let logger: Logger
    let secondaryErrors = Atomic<Int>(0)

    public init(primary: any Storage, secondaries: [any Storage], logger: Logger = Logger(label: "lantern.storage.fanout")) {
        self.primary = primary
        self.secondaries = secondaries
        self.logger = logger
    }

    public func appender() -> any Appender {
        FanoutAppender(fanout: self, primary: primary.appender(), secondaries: secondaries.map { $0.appender() })
    }

    /// A querier over every storage. A secondary that cannot open a querier is skipped with
    /// a warning on every result.
    public func querier(mint: Timestamp, maxt: Timestamp) async throws -> any Querier {
        let p = try await primary.querier(mint: mint, maxt: maxt)
        var others: [any Querier] = []
        var warnings: [String] = []
        for s in secondaries {
            do { others.append(try await s.querier(mint: mint, maxt: maxt)) } catch {
                noteSecondaryError("querier", error)
                warnings.append("secondary storage unavailable: \(error)")
            }
        }
        return FanoutQuerier(primary: p, secondaries: others, warnings: warnings, fanout: self)
    }

    /// Closes every storage; the primary's error is thrown after all were closed.
    public func close() async throws {
        for s in secondaries {
            do { try await s.close() } catch { noteSecondaryError("close", error) }
        }
        try await primary.close()
    }

    /// Errors from secondaries since creation, for /metrics.
    public func collectMetrics() -> [StorageMetric] {
        [StorageMetric(name: "lantern_tsdb_fanout_secondary_errors_total",
                       help: "Errors from secondary storages (appends, commits, reads), which never fail the primary.",
                       type: .counter, labels: .empty, value: Double(secondaryErrors.load(ordering: .relaxed)))]
    }

    func noteSecondaryError(_ operation: String, _ error: any Error) {
        secondaryErrors.wrappingAdd(1, ordering: .relaxed)
        logger.debug("secondary storage failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
    }
}

/// Appends to the primary, then to each secondary that has not failed in this batch.
struct FanoutAppender: Appender {
    let fanout: FanoutStorage
    var primary: any Appender
    var secondaries: [any Appender]
    var failed: [Bool]
    /// Every secondary drops samples (remote write's wake their queues on commit), so a sample
    /// can go to the primary by ref alone: refs are the primary's, never given to a secondary.
    let byRef: Bool

    init(fanout: FanoutStorage, primary: any Appender, secondaries: [any Appender]) {
        self.fanout = fanout
        self.primary = primary
        self.secondaries = secondaries
        failed = Array(repeating: false, count: secondaries.count)
        byRef = secondaries.allSatisfy(\.discardsSamples)
    }

    /// By ref only when no secondary needs the sample (others get it through the labels path).
    mutating func append(known ref: SeriesRef, at t: Timestamp, value: Double) throws -> Bool {
        guard byRef else { return false }
        return try primary.append(known: ref, at: t, value: value)
    }

    mutating func append(_ ref: SeriesRef?, _ labels: Labels, at t: Timestamp, value: Double) throws -> SeriesRef {
        let r = try primary.append(ref, labels, at: t, value: value)
        for i in secondaries.indices where !failed[i] {
            // Refs belong to the primary; secondaries resolve the series by labels.
            do { _ = try secondaries[i].append(nil, labels, at: t, value: value) } catch {
                fanout.noteSecondaryError("append", error)
                if !(error is AppendError) { failed[i] = true }
            }
        }
        return r
    }

    /// Primary first: if it fails, the secondaries are rolled back and the error thrown.
    func commit() async throws {
        do {
            try await primary.commit()
        } catch {
            for s in secondaries { await s.rollback() }
            throw error
        }
        for (i, s) in secondaries.enumerated() {
            if failed[i] { await s.rollback(); continue }
            do { try await s.commit() } catch { fanout.noteSecondaryError("commit", error) }
        }
    }

    func rollback() async {
        await primary.rollback()
        for s in secondaries { await s.rollback() }
    }
}

/// Merges the primary's result with the secondaries'; only the primary can fail a query.
struct FanoutQuerier: Querier {
    let primary: any Querier
    let secondaries: [any Querier]
    let warnings: [String]
    let fanout: FanoutStorage

    func select(matchers: [Matcher]) async throws -> SeriesSet {
        try await select(matchers: matchers, hints: SelectHints())
    }

    func select(matchers: [Matcher], hints: SelectHints) async throws -> SeriesSet {
        var sets = [try await primary.select(matchers: matchers, hints: hints)]
        var extra = warnings
        for s in secondaries {
            do { sets.append(try await s.select(matchers: matchers, hints: hints)) } catch {
                fanout.noteSecondaryError("select", error)
                extra.append("secondary storage select failed: \(error)")
            }
        }
        var merged = SeriesSet.merging(sets)
        merged.warnings += extra
        return merged
    }

    func labelNames(matchers: [Matcher]) async throws -> [String] {
        var names = Set(try await primary.labelNames(matchers: matchers))
        for s in secondaries {
            do { names.formUnion(try await s.labelNames(matchers: matchers)) } catch {
                fanout.noteSecondaryError("label_names", error)
            }
        }
        return names.sorted()
    }

    func labelValues(name: String, matchers: [Matcher]) async throws -> [String] {
        var values = Set(try await primary.labelValues(name: name, matchers: matchers))
        for s in secondaries {
            do { values.formUnion(try await s.labelValues(name: name, matchers: matchers)) } catch {
                fanout.noteSecondaryError("label_values", error)
            }
        }
        return values.sorted()
    }

    func close() async {
        await primary.close()
        for s in secondaries { await s.close() }
    }
}
