public import Config
public import Model

/// One service-discovery configuration of a job; equal configurations share one provider
/// across jobs, as in Prometheus.
public enum SDConfig: Sendable, Equatable {
    /// `static_configs`: all of a job's static groups form one provider.
    case staticGroups([TargetGroup])
    case file(FileSDConfig)
    case kubernetes(KubernetesSDConfig)

    /// The provider type name used in metrics and provider names (`static`, `file`, `kubernetes`).
    public var typeName: String {
        switch self {
        case .staticGroups: return "static"
        case .file: return "file"
        case .kubernetes: return "kubernetes"
        }
    }
}
