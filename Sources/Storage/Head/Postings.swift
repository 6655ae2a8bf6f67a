public import Model

/// The inverted index of the head: label name → label value → sorted series refs, plus the
/// list of all refs. Answers matchers by looking values up (`Matcher.setMatches`), by
/// binary-searching a sorted value list (`Matcher.literalPrefix`), and only for other regexes
/// by testing the values of one label name; it never scans series.
///
/// A value type with copy-on-write dictionaries: a querier's snapshot is a plain copy, and
/// the writer only pays for a copy when it changes the index while a snapshot is alive.
struct Postings: Sendable {
    struct Values: Sendable {
        var refs: [String: [UInt64]] = [:]
        /// `refs.keys` sorted, except for the values added since the last `sortValues()`.
        var sorted: [String] = []
        var unsorted: [String] = []
    }

    private(set) var byName: [String: Values] = [:]
    /// Every ref, sorted.
    private(set) var all: [UInt64] = []

    var seriesCount: Int { all.count }

    mutating func add(_ ref: UInt64, _ labels: Labels) {
        Self.insertSorted(&all, ref)
        for l in labels.pairs {
            if byName[l.name] == nil { byName[l.name] = Values() }
            // Mutate in place through the dictionary's own storage (no copy of `Values`).
            byName[l.name]!.add(ref, value: l.value)
        }
    }

    mutating func remove(_ ref: UInt64, _ labels: Labels) {
        if let i = Self.index(of: ref, in: all) { all.remove(at: i) }
        for l in labels.pairs {
            guard var list = byName[l.name]?.refs[l.value], let i = Self.index(of: ref, in: list) else { continue }
            list.remove(at: i)
            if list.isEmpty {
                byName[l.name]!.refs[l.value] = nil
                byName[l.name]!.sorted.removeAll { $0 == l.value }
                byName[l.name]!.unsorted.removeAll { $0 == l.value }
                if byName[l.name]!.refs.isEmpty { byName[l.name] = nil }
            } else {
                byName[l.name]!.refs[l.value] = list
            }
        }
    }

    /// Merges the values added since the last call into the sorted lists; the writer calls
    /// it before handing out a snapshot, so prefix matchers can binary-search.
    mutating func sortValues() {
        let dirty = byName.compactMap { $0.value.unsorted.isEmpty ? nil : $0.key }
        for name in dirty { byName[name]!.mergeUnsorted() }
    }

    /// Drops the spare capacity that growth by doubling left in the ref lists (up to half of
    /// each); called once after the head is loaded, when the lists are as long as they get
    /// for a while.
    mutating func shrinkToFit() {
        all = Self.exact(all)
        for name in Array(byName.keys) {
            let values = Array(byName[name]!.refs.keys)
            for v in values {
                let list = byName[name]!.refs[v]!
                if list.capacity > list.count { byName[name]!.refs[v] = Self.exact(list) }
            }
        }
    }

    private static func exact(_ list: [UInt64]) -> [UInt64] {
        Array(unsafeUninitializedCapacity: list.count) { buf, n in n = buf.initialize(from: list).1 }
    }

    var labelNames: [String] { byName.keys.sorted() }

    func values(of name: String) -> [String] {
        guard let v = byName[name] else { return [] }
        return v.unsorted.isEmpty ? v.sorted : (v.sorted + v.unsorted).sorted()
    }

    /// The sorted refs of series that satisfy every matcher.
    func refs(matching matchers: [Matcher]) -> [UInt64] {
        var include: [[UInt64]] = []
        var exclude: [[UInt64]] = []
        for m in matchers {
            if m.matchesEmpty {
                // Series without the label match too: take all and subtract those whose value fails.
                if m.type == .regexMatch, m.literalPrefix == "" { continue }  // `=~".*"` matches everything
                exclude.append(union(refs(ofValues: failingValues(m))(m.name)))
            } else {
                let list = union(refs(ofValues: matchingValues(m))(m.name))
                if list.isEmpty { return [] }
                include.append(list)
            }
        }
        var result = include.isEmpty ? all : Self.intersect(include)
        for e in exclude where !e.isEmpty { result = Self.subtract(result, e) }
        return result
    }

    /// Values of `m.name` that satisfy `m`, using the matcher's fast paths.
    func matchingValues(_ m: Matcher) -> [String] {
        guard let v = byName[m.name] else { return [] }
        if let set = m.setMatches { return set.filter { v.refs[$0] != nil } }
        if m.type == .regexMatch, let prefix = m.literalPrefix {
            return v.withPrefix(prefix).filter { m.matches($0) }
        }
        return v.refs.keys.filter { m.matches($0) }
    }

    /// Values of `m.name` that do not satisfy `m` (for matchers that accept the empty value).
    private func failingValues(_ m: Matcher) -> [String] {
        switch m.type {
        case .notEqual:
            return byName[m.name]?.refs[m.value] != nil ? [m.value] : []
        case .regexNoMatch:
            if let positive = try? Matcher(.regexMatch, m.name, m.value) { return matchingValues(positive) }
            fallthrough
        default:
            guard let v = byName[m.name] else { return [] }
            return v.refs.keys.filter { !m.matches($0) }
        }
    }

    private func refs(ofValues values: [String]) -> (String) -> [[UInt64]] {
        { name in
            guard let v = byName[name] else { return [] }
            return values.compactMap { v.refs[$0] }
        }
    }
}

extension Postings.Values {
    mutating func add(_ ref: UInt64, value: String) {
        if refs[value] == nil {
            refs[value] = [ref]
            unsorted.append(value)
        } else {
            Postings.insertSorted(&refs[value]!, ref)
        }
    }

    mutating func mergeUnsorted() {
        unsorted.sort()
        var merged: [String] = []
        merged.reserveCapacity(sorted.count + unsorted.count)
        var i = 0, j = 0
        while i < sorted.count || j < unsorted.count {
            if j == unsorted.count || (i < sorted.count && sorted[i] < unsorted[j]) {
                merged.append(sorted[i]); i += 1
            } else {
                merged.append(unsorted[j]); j += 1
            }
        }
        sorted = merged
        unsorted = []
    }

    /// Values starting with `prefix`: a binary search into the sorted list plus the few unsorted.
    func withPrefix(_ prefix: String) -> [String] {
        if prefix.isEmpty { return sorted + unsorted }
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < prefix { lo = mid + 1 } else { hi = mid }
        }
        var out: [String] = []
        while lo < sorted.count, sorted[lo].utf8.starts(with: prefix.utf8) {
            out.append(sorted[lo])
            lo += 1
        }
        for u in unsorted where u.utf8.starts(with: prefix.utf8) { out.append(u) }
        return out
    }
}

extension Postings {
    static func insertSorted(_ list: inout [UInt64], _ ref: UInt64) {
        if let last = list.last, last >= ref {
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid] < ref { lo = mid + 1 } else { hi = mid }
            }
            if lo < list.count, list[lo] == ref { return }
            list.insert(ref, at: lo)
        } else {
            list.append(ref)
        }
    }

    static func index(of ref: UInt64, in list: [UInt64]) -> Int? {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < ref { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count && list[lo] == ref ? lo : nil
    }

    func union(_ lists: [[UInt64]]) -> [UInt64] {
        switch lists.count {
        case 0: return []
        case 1: return lists[0]
        default:
            var out = Array(lists.joined())
            out.sort()
            var w = 0
            for r in 0..<out.count where r == 0 || out[r] != out[w - 1] {
                out[w] = out[r]
                w += 1
            }
            out.removeLast(out.count - w)
            return out
        }
    }

    static func intersect(_ lists: [[UInt64]]) -> [UInt64] {
        let ordered = lists.sorted { $0.count < $1.count }
        var result = ordered[0]
        for other in ordered.dropFirst() {
            var out: [UInt64] = []
            var i = 0, j = 0
            while i < result.count, j < other.count {
                if result[i] == other[j] { out.append(result[i]); i += 1; j += 1 }
                else if result[i] < other[j] { i += 1 } else { j += 1 }
            }
            result = out
            if result.isEmpty { break }
        }
        return result
    }

    static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count)
        var j = 0
        for x in a {
            while j < b.count, b[j] < x { j += 1 }
            if j < b.count, b[j] == x { continue }
            out.append(x)
        }
        return out
    }
}
