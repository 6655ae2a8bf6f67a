/// The signature of a PromQL function, as in Prometheus's promql/parser/functions.go.
public struct FunctionDef: Sendable {
    /// The function name.
    public let name: String
    /// Argument types; with `variadic != 0` the last one is optional and may repeat.
    public let argTypes: [ValueType]
    /// 0: fixed arity; n > 0: up to n optional trailing arguments; -1: unlimited.
    public let variadic: Int
    /// The result type.
    public let returnType: ValueType
    /// True when Prometheus only enables the function behind `--enable-feature=promql-experimental-functions`.
    public let experimental: Bool

    init(_ name: String, _ args: [ValueType], _ ret: ValueType, variadic: Int = 0, experimental: Bool = false) {
        self.name = name
        argTypes = args
        self.variadic = variadic
        returnType = ret
        self.experimental = experimental
    }

    /// All known functions by name.
    public static let all: [String: FunctionDef] = {
        var d: [String: FunctionDef] = [:]
        let v = ValueType.vector, m = ValueType.matrix, s = ValueType.scalar, str = ValueType.string
        var list: [FunctionDef] = [
            .init("absent", [v], v), .init("absent_over_time", [m], v), .init("present_over_time", [m], v),
            .init("clamp", [v, s, s], v), .init("clamp_max", [v, s], v), .init("clamp_min", [v, s], v),
            .init("histogram_quantile", [s, v], v), .init("histogram_fraction", [s, s, v], v),
            .init("histogram_quantiles", [v, str, s], v, variadic: -1, experimental: true),
            .init("double_exponential_smoothing", [m, s, s], v, experimental: true),
            .init("info", [v, v], v, variadic: 1, experimental: true),
            .init("label_replace", [v, str, str, str, str], v), .init("label_join", [v, str, str, str], v, variadic: -1),
            .init("pi", [], s), .init("time", [], s), .init("scalar", [v], s), .init("vector", [s], v),
            .init("predict_linear", [m, s], v), .init("quantile_over_time", [s, m], v),
            .init("round", [v, s], v, variadic: 1), .init("timestamp", [v], v),
            .init("sort", [v], v), .init("sort_desc", [v], v),
            .init("sort_by_label", [v, str], v, variadic: -1, experimental: true),
            .init("sort_by_label_desc", [v, str], v, variadic: -1, experimental: true),
            .init("mad_over_time", [m], v, experimental: true),
            .init("start_timestamp", [v], v, experimental: true),
            .init("step", [], s, experimental: true), .init("start", [], s, experimental: true),
            .init("end", [], s, experimental: true), .init("range", [], s, experimental: true),
            .init("min_of", [s, s], s, experimental: true),
            .init("max_of", [s, s], s, experimental: true),
        ]
        for f in ["abs", "ceil", "exp", "floor", "ln", "log2", "log10", "sqrt", "sgn", "deg", "rad",
                  "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh",
                  "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar"] {
            list.append(.init(f, [v], v))
        }
        for f in ["day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year"] {
            list.append(.init(f, [v], v, variadic: 1))
        }
        for f in ["avg_over_time", "count_over_time", "max_over_time", "min_over_time", "sum_over_time",
                  "stddev_over_time", "stdvar_over_time", "last_over_time", "first_over_time",
                  "changes", "resets", "delta", "deriv", "idelta", "increase", "irate", "rate"] {
            list.append(.init(f, [m], v))
        }
        for f in ["ts_of_max_over_time", "ts_of_min_over_time", "ts_of_last_over_time", "ts_of_first_over_time"] {
            list.append(.init(f, [m], v, experimental: true))
        }
        for f in list { d[f.name] = f }
        return d
    }()
}
