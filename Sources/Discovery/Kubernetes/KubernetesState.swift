import Config
import Model

/// The informer caches of one discoverer and what it last emitted. Owned by the discoverer's
/// state loop (one task), so it needs no locking.
///
/// Every group remembers which auxiliary objects it read (`RoleContext` records lookups), so an
/// auxiliary change rebuilds exactly the groups that read that object, even when the object
/// was missing at the time.
struct KubernetesState {
    let role: KubernetesSDConfig.Role
    let attach: KubernetesSDConfig.AttachMetadata
    let resources: [Resource]
    private var caches: [[String: JSONValue]]
    private var listed: Set<Int> = []
    private(set) var isSynced = false
    private var dependents: [DependencyKey: Set<String>] = [:]
    private var dependencies: [String: Set<DependencyKey>] = [:]
    private var emitted: [String: TargetGroup] = [:]
    /// One shared instance of every label name: the `__meta_kubernetes_*` names are built anew
    /// for each object, and names longer than 15 bytes are heap strings. Names are bounded by
    /// the label keys in use, so the set stays small.
    private var names: Set<String> = []

    /// - Parameter resources: the resource of each informer, indexed by informer id.
    init(role: KubernetesSDConfig.Role, attach: KubernetesSDConfig.AttachMetadata, resources: [Resource]) {
        self.role = role
        self.attach = attach
        self.resources = resources
        caches = Array(repeating: [:], count: resources.count)
    }

    /// Applies one informer message; returns the groups to send, or nil when there is nothing.
    /// The first non-nil answer (once every informer has listed) is the full state.
    mutating func apply(_ message: InformerMessage) -> [TargetGroup]? {
        switch message {
        case .replaced(let id, let items):
            var new: [String: JSONValue] = [:]
            for item in items { new[item.cacheKey] = item }
            let old = caches[id]
            caches[id] = new
            listed.insert(id)
            if !isSynced {
                guard listed.count == resources.count else { return nil }
                isSynced = true
                return fullState()
            }
            var changed = Set(old.keys).symmetricDifference(new.keys)
            for (k, v) in new where old[k] != nil && old[k] != v { changed.insert(k) }
            let out = changed.sorted().flatMap { changes(resources[id], $0) }
            return out.isEmpty ? nil : out
        case .event(let id, let kind, let object):
            let key = object.cacheKey
            caches[id][key] = kind == .deleted ? nil : object
            guard isSynced else { return nil }
            let out = changes(resources[id], key)
            return out.isEmpty ? nil : out
        }
    }

    private func lookup(_ key: DependencyKey) -> JSONValue? { Self.lookup(key, caches, resources) }

    private static func lookup(_ key: DependencyKey, _ caches: [[String: JSONValue]], _ resources: [Resource]) -> JSONValue? {
        for (i, r) in resources.enumerated() where r == key.resource {
            if let o = caches[i][key.key] { return o }
        }
        return nil
    }

    private mutating func fullState() -> [TargetGroup] {
        var keys: [String] = []
        for (i, r) in resources.enumerated() where r == role.resource { keys += caches[i].keys }
        return keys.sorted().compactMap { rebuild($0, force: true) }
    }

    private mutating func changes(_ resource: Resource, _ key: String) -> [TargetGroup] {
        if resource == role.resource { return rebuild(key, force: true).map { [$0] } ?? [] }
        let affected = dependents[DependencyKey(resource: resource, key: key)] ?? []
        return affected.sorted().compactMap { rebuild($0, force: false) }
    }

    /// Rebuilds the group of primary object `key`; without `force`, returns it only if it differs
    /// from what was last sent.
    private mutating func rebuild(_ key: String, force: Bool) -> TargetGroup? {
        let source = "\(role.sourcePrefix)/\(key)"
        setDependencies(of: key, [])
        guard let object = lookup(DependencyKey(resource: role.resource, key: key)) else {
            let wasEmitted = emitted.removeValue(forKey: key) != nil
            return force || wasEmitted ? TargetGroup(source: source) : nil
        }
        // Capture only the caches (not `self`), so updating the dependency index below does
        // not copy it on write.
        let caches = self.caches, resources = self.resources
        var ctx = RoleContext(attach: attach) { Self.lookup($0, caches, resources) }
        let built = role.build(object, &ctx)
        setDependencies(of: key, ctx.dependencies)
        guard let built else { return nil }
        var targets: [Labels] = []
        targets.reserveCapacity(built.targets.count)
        for t in built.targets { targets.append(intern(t)) }
        let group = TargetGroup(source: built.source, targets: targets, labels: intern(built.labels))
        if !force, emitted[key] == group { return nil }
        emitted[key] = group
        return group
    }

    private mutating func intern(_ labels: Labels) -> Labels {
        Labels(sortedUnique: labels.pairs.map { Label(name: names.insert($0.name).memberAfterInsert, value: $0.value) })
    }

    private mutating func setDependencies(of key: String, _ new: Set<DependencyKey>) {
        let old = dependencies[key] ?? []
        guard old != new else { return }
        for d in old.subtracting(new) {
            dependents[d]?.remove(key)
            if dependents[d]?.isEmpty == true { dependents[d] = nil }
        }
        for d in new.subtracting(old) { dependents[d, default: []].insert(key) }
        dependencies[key] = new.isEmpty ? nil : new
    }
}
