/// Refuses YAML nested deeper than ``maxDepth`` before the document reaches Yams.
///
/// Yams composes nodes recursively and the node decoder recurses again, so a file of 100,000
/// `[` (or `- - - …`) would overflow the stack and kill `serve` on a reload. go-yaml, which
/// Prometheus uses, refuses such documents too ("exceeded max depth of 10000"); Lantern's
/// limit is lower because Swift's stacks do not grow, and no real configuration is deeper
/// than a dozen levels.
///
/// The scan is a single pass over the bytes and deliberately approximate: it counts block
/// indentation levels, leading `- `/`? ` indicators and open flow brackets outside quotes and
/// comments. It may overestimate (a block scalar's lines count as indentation), never by
/// enough to matter at this limit.
enum YAMLDepthLimit {
    /// The deepest nesting accepted.
    static let maxDepth = 1_000

    /// - Throws: `ConfigError` `.syntax` naming the line where the limit is crossed.
    static func check(_ text: String) throws(ConfigError) {
        var indents: [Int] = []  // indentation of each open block level
        var flow = 0
        var line = 1
        var quote: UInt8 = 0  // 0, or the quote character of an open quoted scalar
        var atLineStart = true
        var previous: UInt8 = 10
        var bytes = Array(text.utf8)[...]

        func fail() -> ConfigError {
            ConfigError(.syntax, "yaml: line \(line): exceeded max depth of \(maxDepth)", line: line, column: 1)
        }

        while let b = bytes.first {
            if atLineStart, quote == 0, flow == 0 {
                atLineStart = false
                var indent = 0
                while bytes.first == 32 { indent += 1; bytes.removeFirst() }
                guard let first = bytes.first, first != 10, first != 35 else { continue }  // blank or comment
                while let top = indents.last, top > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                var indicators = 0
                while bytes.count >= 2, bytes.first == 45 || bytes.first == 63,  // "- ", "? "
                      bytes[bytes.startIndex + 1] == 32 {
                    indicators += 1
                    bytes.removeFirst(2)
                    while bytes.first == 32 { bytes.removeFirst() }
                }
                if indents.count + indicators > maxDepth { throw fail() }
                previous = 32
                continue
            }
            bytes.removeFirst()
            defer { previous = b }
            if b == 10 {
                line += 1
                atLineStart = true
                continue
            }
            if quote != 0 {
                if b == 92, quote == 34 { _ = bytes.popFirst() }  // backslash escape in "…"
                else if b == quote { quote = 0 }
                continue
            }
            switch b {
            case 34 where startsScalar(after: previous), 39 where startsScalar(after: previous): quote = b
            case 35 where previous == 32 || previous == 9 || previous == 10:  // comment to end of line
                while let c = bytes.first, c != 10 { bytes.removeFirst() }
            case 91, 123:
                flow += 1
                if indents.count + flow > maxDepth { throw fail() }
            case 93, 125:
                flow = max(0, flow - 1)
            default:
                break
            }
        }
    }

    /// A quote opens a quoted scalar only at the start of a value (`key: 'a'`, `[ "a"`), not
    /// inside a plain one (`don't`).
    private static func startsScalar(after previous: UInt8) -> Bool {
        switch previous {
        case 32, 9, 10, 44, 58, 91, 123, 45: return true  // space, tab, newline , : [ { -
        default: return false
        }
    }
}
