import Config
import Logging

/// What informers report to the discoverer's single state loop.
enum InformerMessage: Sendable {
    /// A complete (re)list of informer `id`'s collection: replaces its whole cache.
    case replaced(id: Int, items: [JSONValue])
    /// One watch event (`added`, `modified` or `deleted`) for informer `id`.
    case event(id: Int, WatchEvent.Kind, JSONValue)
}

/// List-then-watch of one collection, in the style of client-go's reflector: list, watch from
/// the list's resource version, re-watch from the last seen version when a stream ends, relist
/// when the version expired (410), and back off after failures.
struct Informer: Sendable {
    let id: Int
    let resource: Resource
    let collection: KubernetesClient.Collection

    struct Environment: Sendable {
        let client: KubernetesClient
        let role: KubernetesSDConfig.Role
        let metrics: KubernetesSDMetrics
        let backoff: BackoffPolicy
        let logger: Logger
    }

    /// Runs until the task is cancelled.
    func run(_ env: Environment, sink: AsyncStream<InformerMessage>.Continuation) async {
        var backoff = Backoff(env.backoff)
        var resourceVersion = ""
        var needList = true
        var watches = 0
        let log = env.logger
        while !Task.isCancelled {
            if needList {
                do {
                    let list = try await env.client.list(collection)
                    sink.yield(.replaced(id: id, items: list.items))
                    resourceVersion = list.resourceVersion
                    needList = false
                } catch {
                    if Task.isCancelled { return }
                    env.metrics.recordFailure(env.role)
                    log.info("kubernetes list failed", metadata: ["path": "\(collection.path)", "error": "\(error)"])
                    await backoff.sleep()
                    continue
                }
            }
            if watches > 0 { env.metrics.recordWatchRestart(env.role) }
            watches += 1
            var events = 0
            do {
                // Prometheus asks for a random 5–10 minute server-side timeout so watches spread out.
                let timeout = Int.random(in: 300...600)
                for try await event in env.client.watch(collection, resourceVersion: resourceVersion, timeoutSeconds: timeout) {
                    events += 1
                    backoff.reset()
                    let rv = event.object.resourceVersion
                    switch event.kind {
                    case .added, .modified, .deleted:
                        if !rv.isEmpty { resourceVersion = rv }
                        sink.yield(.event(id: id, event.kind, event.object))
                    case .bookmark:
                        if !rv.isEmpty { resourceVersion = rv }
                    case .error:
                        var code = event.object["code"].int ?? 0
                        if code == 0, ["Expired", "Gone"].contains(event.object["reason"].str) { code = 410 }
                        throw KubernetesError.status(code, "watch \(collection.path): \(event.object["message"].str)")
                    }
                }
                if Task.isCancelled { return }
                // A normal end (server timeout): re-watch at once from the last version. A stream
                // that ends without a single event might be a misbehaving proxy: pause briefly.
                if events == 0 { try? await Task.sleep(for: env.backoff.initial / 4) }
            } catch let error as KubernetesError where error.isExpired {
                env.metrics.recordRelist(env.role)
                log.debug("kubernetes watch expired, relisting", metadata: ["path": "\(collection.path)"])
                needList = true
            } catch {
                if Task.isCancelled { return }
                env.metrics.recordFailure(env.role)
                log.info("kubernetes watch failed", metadata: ["path": "\(collection.path)", "error": "\(error)"])
                await backoff.sleep()
            }
        }
    }
}
