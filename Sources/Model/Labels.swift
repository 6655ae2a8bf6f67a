/// The identity of a series: label pairs sorted by name, unique names, no empty values.
///
/// Immutable and cheap to compare. Building one sorts once; lookups are binary searches.
/// Empty values are dropped on construction, as in Prometheus where an empty label
/// value means the label is absent.
public struct Labels: Sendable, Hashable, Comparable, RandomAccessCollection, CustomStringConvertible {
    public typealias Element = Label
    public typealias Index = Int

    /// Sorted by name, names unique.
    public let pairs: [Label]

    public static let empty = Labels(sortedUnique: [])

    /// Builds from any pairs; sorts by name, the last value of a repeated name wins,
    /// empty values are dropped.
    public init(_ pairs: [Label]) {
        var sorted = pairs.enumerated().sorted { a, b in
            a.element.name != b.element.name ? a.element.name < b.element.name : a.offset < b.offset
        }.map(\.element)
        var out: [Label] = []
        out.reserveCapacity(sorted.count)
        for p in sorted {
            if let last = out.last, last.name == p.name { out[out.count - 1] = p } else { out.append(p) }
        }
        out.removeAll { $0.value.isEmpty }
        sorted = out
        self.pairs = sorted
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { Label(name: $0.key, value: $0.value) })
    }

    public init(_ pairs: (String, String)...) {
        self.init(pairs.map { Label(name: $0.0, value: $0.1) })
    }

    /// Trusts the caller: `pairs` must already be sorted by name, unique, with no empty value.
    public init(sortedUnique pairs: [Label]) {
        self.pairs = pairs
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { pairs.count }
    public subscript(position: Int) -> Label { pairs[position] }

    /// The value of `name`, or nil when the label is absent.
    public subscript(name: String) -> String? {
        var lo = 0, hi = pairs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let n = pairs[mid].name
            if n == name { return pairs[mid].value }
            if n < name { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// The metric name (`__name__`), or nil.
    public var metricName: String? { self[LabelName.metricName] }

    public func has(_ name: String) -> Bool { self[name] != nil }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, to value: String) -> Labels {
        var builder = LabelsBuilder(self)
        builder.set(name, value)
        return builder.labels()
    }

    /// A copy without the given names.
    public func removing(_ names: Set<String>) -> Labels {
        Labels(sortedUnique: pairs.filter { !names.contains($0.name) })
    }

    /// A copy without `__name__`.
    public func droppingMetricName() -> Labels { removing([LabelName.metricName]) }

    /// A copy holding only the given names.
    public func keeping(_ names: Set<String>) -> Labels {
        Labels(sortedUnique: pairs.filter { names.contains($0.name) })
    }

    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })
    }

    /// A stable 64-bit hash (FNV-1a over name 0xff value 0xff …): the same on every run and
    /// machine, so it can be persisted and used to spread scrape start times.
    public var stableHash: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        for p in pairs {
            for b in p.name.utf8 { mix(b) }
            mix(0xff)
            for b in p.value.utf8 { mix(b) }
            mix(0xff)
        }
        return h
    }

    /// Prometheus's ordering: pairwise by name, then value; a prefix sorts first.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        let n = Swift.min(lhs.pairs.count, rhs.pairs.count)
        for i in 0..<n {
            let a = lhs.pairs[i], b = rhs.pairs[i]
            if a.name != b.name { return a.name < b.name }
            if a.value != b.value { return a.value < b.value }
        }
        return lhs.pairs.count < rhs.pairs.count
    }

    /// `{a="b", c="d"}` with Go-style escaping of values, as Prometheus prints label sets.
    public var description: String {
        var s = "{"
        for (i, p) in pairs.enumerated() {
            if i > 0 { s += ", " }
            s += p.name
            s += "="
            s += quoted(p.value)
        }
        return s + "}"
    }

    /// `name{a="b"}` as in the exposition format, or just `{…}` without a metric name.
    public var seriesString: String {
        let rest = removing([LabelName.metricName])
        let name = metricName ?? ""
        if rest.isEmpty { return name.isEmpty ? "{}" : name }
        return name + rest.description
    }
}

/// Double-quotes `s`, escaping backslash, quote and newline.
public func quoted(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}

/// Mutable staging area for label edits (relabeling, target building); `labels()` freezes it.
public struct LabelsBuilder: Sendable {
    private var values: [String: String]

    public init(_ base: Labels = .empty) {
        values = Dictionary(uniqueKeysWithValues: base.pairs.map { ($0.name, $0.value) })
    }

    public subscript(name: String) -> String? { values[name] }

    /// Sets `name`; an empty value deletes it.
    public mutating func set(_ name: String, _ value: String) {
        if value.isEmpty { values.removeValue(forKey: name) } else { values[name] = value }
    }

    public mutating func delete(_ name: String) { values.removeValue(forKey: name) }

    public mutating func removeAll(where predicate: (String) -> Bool) {
        values = values.filter { !predicate($0.key) }
    }

    public var names: [String] { Array(values.keys) }

    public func labels() -> Labels {
        Labels(sortedUnique: values.map { Label(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name })
    }
}
