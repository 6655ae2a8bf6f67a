public import Config
public import Model

/// Turns discovered target groups into scrape targets, as Prometheus's `TargetsFromGroup`
/// and `PopulateLabels` do: merge group labels, add job defaults, relabel, check, then drop
/// `__meta_*` and default `instance` to the address. No default port is added.
public struct TargetBuilder: Sendable {
    public let jobName: String
    public let interval: PromDuration
    public let timeout: PromDuration
    public let metricsPath: String
    public let scheme: String
    /// `params` in configuration order of values; keys sorted when encoded.
    public let params: [String: [String]]
    public let relabelRules: [RelabelRule]

    public init(jobName: String, interval: PromDuration, timeout: PromDuration, metricsPath: String = "/metrics",
                scheme: String = "http", params: [String: [String]] = [:], relabelRules: [RelabelRule] = []) {
        self.jobName = jobName
        self.interval = interval
        self.timeout = timeout
        self.metricsPath = metricsPath
        self.scheme = scheme
        self.params = params
        self.relabelRules = relabelRules
    }

    /// Every target of `group`, in order.
    public func targets(from group: TargetGroup) -> [TargetBuildResult] {
        group.targets.map { build(target: $0, groupLabels: group.labels) }
    }

    /// One target's fate.
    public func build(target: Labels, groupLabels: Labels) -> TargetBuildResult {
        var lb = LabelsBuilder(target)
        for l in groupLabels where (lb[l.name] ?? "").isEmpty { lb.set(l.name, l.value) }
        let discovered = lb.labels()
        let defaults: [(String, String)] = [
            (LabelName.job, jobName),
            (LabelName.scrapeInterval, interval.description),
            (LabelName.scrapeTimeout, timeout.description),
            (LabelName.metricsPath, metricsPath),
            (LabelName.scheme, scheme),
        ] + params.sorted { $0.key < $1.key }.compactMap { k, v in v.first.map { (LabelName.paramPrefix + k, $0) } }
        for (name, value) in defaults where (lb[name] ?? "").isEmpty { lb.set(name, value) }

        for rule in relabelRules where !Relabeling.apply(rule, to: &lb) {
            return .dropped(discovered: discovered)
        }
        func fail(_ why: String) -> TargetBuildResult { .failed(discovered: discovered, reason: why) }
        guard let address = lb[LabelName.address], !address.isEmpty else { return fail("no address") }
        if address.contains("/") { return fail("\(quoted(address)) is not a valid hostname") }
        let intervalText = lb[LabelName.scrapeInterval] ?? ""
        let timeoutText = lb[LabelName.scrapeTimeout] ?? ""
        guard let ival = try? PromDuration(parsing: intervalText) else {
            return fail("error parsing scrape interval: not a valid duration string: \(quoted(intervalText))")
        }
        guard let tout = try? PromDuration(parsing: timeoutText) else {
            return fail("error parsing scrape timeout: not a valid duration string: \(quoted(timeoutText))")
        }
        if ival.milliseconds == 0 { return fail("scrape interval cannot be 0") }
        if tout.milliseconds == 0 { return fail("scrape timeout cannot be 0") }
        if tout > ival { return fail("scrape timeout cannot be greater than scrape interval (\(quoted(tout.description)) > \(quoted(ival.description)))") }
        lb.removeAll { $0.hasPrefix(LabelName.metaPrefix) }
        if (lb[LabelName.instance] ?? "").isEmpty { lb.set(LabelName.instance, address) }
        let labels = lb.labels()
        return .target(ScrapeTarget(
            labels: labels, discoveredLabels: discovered, url: url(for: labels),
            intervalMillis: ival.milliseconds, timeoutMillis: tout.milliseconds
        ))
    }

    /// `<scheme>://<address><path>?<params>`, where each `__param_<k>` label replaces the
    /// first configured value of `k` (or adds it); keys sorted, form-encoded like Go's `url.Values`.
    func url(for labels: Labels) -> String {
        var values = params
        for l in labels where l.name.hasPrefix(LabelName.paramPrefix) {
            let key = String(l.name.dropFirst(LabelName.paramPrefix.count))
            if var existing = values[key], !existing.isEmpty {
                existing[0] = l.value
                values[key] = existing
            } else {
                values[key] = [l.value]
            }
        }
        var url = (labels[LabelName.scheme] ?? "http") + "://" + (labels[LabelName.address] ?? "") + (labels[LabelName.metricsPath] ?? "")
        if !values.isEmpty {
            let query = values.keys.sorted().flatMap { k in values[k]!.map { QueryEscaping.escape(k) + "=" + QueryEscaping.escape($0) } }
            url += "?" + query.joined(separator: "&")
        }
        return url
    }
}

/// Go's `url.QueryEscape`: space becomes `+`, unreserved bytes stay, the rest is `%XX`.
enum QueryEscaping {
    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
