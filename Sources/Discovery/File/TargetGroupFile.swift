import Model
import Yams

/// Reads a file of target groups (the `file_sd_configs` format, JSON or YAML):
/// `[{"targets": ["host:port", …], "labels": {"name": "value"}}]`.
enum TargetGroupFile {
    /// Why a file could not be used; names the file and, when known, the line.
    struct ParseError: Error, CustomStringConvertible {
        let file: String
        let line: Int?
        let message: String
        var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// The groups of `text`, with sources `<file>:<index>` and `__meta_filepath` set.
    static func parse(_ text: String, file: String) throws(ParseError) -> [TargetGroup] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw ParseError(file: file, line: Self.line(of: e), message: "\(e)")
        } catch {
            throw ParseError(file: file, line: nil, message: "\(error)")
        }
        guard let node else { return [] }
        guard case .sequence(let seq) = node else {
            throw ParseError(file: file, line: node.mark.map { $0.line }, message: "expected a list of target groups")
        }
        var groups: [TargetGroup] = []
        for (i, item) in seq.enumerated() {
            guard case .mapping(let map) = item else {
                throw ParseError(file: file, line: item.mark.map { $0.line }, message: "target group \(i): expected a mapping with targets and labels")
            }
            var targets: [Labels] = []
            var labels: [String: String] = [:]
            for (k, v) in map {
                let line = k.mark.map { $0.line }
                switch k.string {
                case "targets":
                    guard case .sequence(let ts) = v else { throw ParseError(file: file, line: line, message: "targets must be a list of strings") }
                    for t in ts {
                        guard let s = t.string, case .scalar = t else { throw ParseError(file: file, line: t.mark.map { $0.line }, message: "target must be a string") }
                        targets.append(Labels((LabelName.address, s)))
                    }
                case "labels":
                    if case .scalar = v, v.null != nil { continue }
                    guard case .mapping(let ls) = v else { throw ParseError(file: file, line: line, message: "labels must be a mapping of strings") }
                    for (ln, lv) in ls {
                        guard let name = ln.string, !name.isEmpty else {
                            throw ParseError(file: file, line: ln.mark.map { $0.line }, message: "invalid label name \(ln.string.map(quoted) ?? "")")
                        }
                        guard case .scalar = lv, let value = lv.string else {
                            throw ParseError(file: file, line: lv.mark.map { $0.line }, message: "label \(quoted(name)) must have a string value")
                        }
                        labels[name] = value
                    }
                default:
                    throw ParseError(file: file, line: line, message: "unknown field \(quoted(k.string ?? "")) in target group")
                }
            }
            labels["__meta_filepath"] = file
            groups.append(TargetGroup(source: "\(file):\(i)", targets: targets, labels: Labels(labels)))
        }
        return groups
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
