import Model

/// Writes metric families in the Prometheus text format 0.0.4, the way client_golang does
/// (HELP escaping, Go float formatting), so every scraper reads Lantern's `/metrics`.
enum TextExpositionWriter {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        for f in families {
            out += "# HELP \(f.name) \(escapeHelp(f.help))\n"
            out += "# TYPE \(f.name) \(f.type.rawValue)\n"
            for s in f.samples {
                out += f.name + s.suffix
                if !s.labels.isEmpty {
                    out += "{"
                    for (i, l) in s.labels.enumerated() {
                        if i > 0 { out += "," }
                        out += l.name + "=" + quoted(l.value)
                    }
                    out += "}"
                }
                out += " " + FloatFormat.goG(s.value) + "\n"
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        s.replacingBackslashesAndNewlines()
    }
}

extension String {
    fileprivate func replacingBackslashesAndNewlines() -> String {
        var out = ""
        for c in unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
