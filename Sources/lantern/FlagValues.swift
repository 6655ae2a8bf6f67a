import ArgumentParser

/// Duration and size flag parsing; replaced by Config's PromDuration/ByteSize once merged.
enum FlagValues {
    static func duration(_ text: String, flag: String) throws -> Int64 {
        let units: [(String, Int64)] = [("ms", 1), ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        var rest = Substring(text)
        var total: Int64 = 0
        guard !rest.isEmpty else { throw ValidationError("invalid value \"\(text)\" for flag \(flag): empty duration") }
        if rest == "0" { return 0 }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let n = Int64(digits) else { throw ValidationError("invalid value \"\(text)\" for flag \(flag): not a valid duration string") }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else {
                throw ValidationError("invalid value \"\(text)\" for flag \(flag): unknown unit in duration")
            }
            rest = rest.dropFirst(unit.0.count)
            total += n * unit.1
        }
        return total
    }

    static func bytes(_ text: String, flag: String) throws -> Int64 {
        let units: [(String, Int64)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40), ("PB", 1 << 50), ("EB", 1 << 60), ("B", 1)]
        if let n = Int64(text) { return n }
        for (suffix, mult) in units where text.hasSuffix(suffix) {
            if let n = Int64(text.dropLast(suffix.count)) { return n * mult }
        }
        throw ValidationError("invalid value \"\(text)\" for flag \(flag): expected a size like 512MB")
    }
}
