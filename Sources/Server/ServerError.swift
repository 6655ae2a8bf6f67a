/// Why the server could not start or act: the one error type of the Server module.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable { case invalidFlag, config, storage, listen, webConfig }
    let code: Code
    public let message: String

    public var description: String { message }

    static func invalidFlag(_ flag: String, _ value: String, _ why: String) -> ServerError {
        ServerError(code: .invalidFlag, message: "invalid value \(value.debugDescription) for flag \(flag): \(why)")
    }

    static func config(_ message: String) -> ServerError {
        ServerError(code: .config, message: "error loading config: \(message)")
    }

    /// The `--web.config.file` is unusable; `message` names the file and the field.
    static func webConfig(_ message: String) -> ServerError {
        ServerError(code: .webConfig, message: "error loading web config: \(message)")
    }

    static func storage(_ message: String) -> ServerError {
        ServerError(code: .storage, message: "opening storage failed: \(message)")
    }
}
