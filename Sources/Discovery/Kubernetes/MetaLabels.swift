/// Label names and helpers shared by the roles (Prometheus `discovery/kubernetes/kubernetes.go`).
enum MetaLabels {
    static let prefix = "__meta_kubernetes_"
    static let namespace = prefix + "namespace"

    /// Every character outside `[a-zA-Z0-9_]` becomes `_` (one per non-ASCII character).
    static func sanitize(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            let v = ch.value
            let ok = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
            out.unicodeScalars.append(ok ? ch : "_")
        }
        return out
    }

    /// `name`, `label_*`, `labelpresent_*`, `annotation_*`, `annotationpresent_*` for `resource`.
    static func addObjectMeta(_ labels: inout [String: String], _ object: JSONValue, resource: String, includeName: Bool = true) {
        let p = prefix + resource
        if includeName { labels[p + "_name"] = object.name }
        for (k, v) in object.labels {
            let n = sanitize(k)
            labels[p + "_label_" + n] = v
            labels[p + "_labelpresent_" + n] = "true"
        }
        for (k, v) in object.annotations {
            let n = sanitize(k)
            labels[p + "_annotation_" + n] = v
            labels[p + "_annotationpresent_" + n] = "true"
        }
    }

    /// Namespace metadata (`attach_metadata.namespace`): labels and annotations, no name.
    static func addNamespaceMeta(_ labels: inout [String: String], _ namespace: JSONValue?) {
        guard let namespace else { return }
        addObjectMeta(&labels, namespace, resource: "namespace", includeName: false)
    }

    /// Node metadata (`attach_metadata.node`): name, labels and annotations.
    static func addNodeMeta(_ labels: inout [String: String], _ node: JSONValue?) {
        guard let node else { return }
        addObjectMeta(&labels, node, resource: "node")
    }

    /// Go's `net.JoinHostPort`: brackets hosts that contain a colon.
    static func join(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    static func bool(_ b: Bool) -> String { b ? "true" : "false" }
}
