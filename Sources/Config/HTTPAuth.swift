/// `basic_auth`: a user name and password sent with every request.
///
/// Exists as its own section because Prometheus lets each value come inline or from a file, and a
/// file must be re-read on every request (credentials rotate) rather than at load time.
public struct BasicAuth: Codable, Sendable, Equatable {
    public var username: String
    public var usernameFile: String
    public var password: Secret
    public var passwordFile: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case username, usernameFile = "username_file", password, passwordFile = "password_file"
    }

    /// An empty `basic_auth` block.
    public init(username: String = "", usernameFile: String = "", password: Secret = "", passwordFile: String = "") {
        self.username = username
        self.usernameFile = usernameFile
        self.password = password
        self.passwordFile = passwordFile
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "BasicAuth", unsupported: [
            "username_ref": "no secret manager", "password_ref": "no secret manager",
        ])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        username = try c.value(.username, "")
        usernameFile = try c.value(.usernameFile, "")
        password = try c.value(.password, "")
        passwordFile = try c.value(.passwordFile, "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !username.isEmpty { try c.encode(username, forKey: .username) }
        if !usernameFile.isEmpty { try c.encode(usernameFile, forKey: .usernameFile) }
        if !password.isEmpty { try c.encode(password, forKey: .password) }
        if !passwordFile.isEmpty { try c.encode(passwordFile, forKey: .passwordFile) }
    }

    func validate(at path: String) throws(ConfigError) {
        if !username.isEmpty && !usernameFile.isEmpty {
            throw .invalid("at most one of basic_auth username, username_file & username_ref must be configured", at: path)
        }
        if !password.isEmpty && !passwordFile.isEmpty {
            throw .invalid("at most one of basic_auth password, password_file & password_ref must be configured", at: path)
        }
    }
}

/// `authorization`: an `Authorization: <type> <credentials>` header (type `Bearer` by default).
///
/// The legacy `bearer_token` / `bearer_token_file` fields are folded into this section at validation,
/// as Prometheus does, so consumers only look here.
public struct Authorization: Codable, Sendable, Equatable {
    public var type: String
    public var credentials: Secret
    public var credentialsFile: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, credentials, credentialsFile = "credentials_file"
    }

    /// A header of `type` with inline or file credentials.
    public init(type: String = "Bearer", credentials: Secret = "", credentialsFile: String = "") {
        self.type = type
        self.credentials = credentials
        self.credentialsFile = credentialsFile
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "Authorization",
                              unsupported: ["credentials_ref": "no secret manager"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.value(.type, "")
        credentials = try c.value(.credentials, "")
        credentialsFile = try c.value(.credentialsFile, "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        if !credentials.isEmpty { try c.encode(credentials, forKey: .credentials) }
        if !credentialsFile.isEmpty { try c.encode(credentialsFile, forKey: .credentialsFile) }
    }
}

/// One entry of `http_headers`: values sent with every request, inline, secret or read from files.
public struct HTTPHeader: Codable, Sendable, Equatable {
    public var values: [String]
    public var secrets: [Secret]
    public var files: [String]

    enum CodingKeys: String, CodingKey, CaseIterable { case values, secrets, files }

    /// A header with the given values.
    public init(values: [String] = [], secrets: [Secret] = [], files: [String] = []) {
        self.values = values
        self.secrets = secrets
        self.files = files
    }

    public init(from decoder: any Decoder) throws {
        try decoder.checkKeys(Set(CodingKeys.allCases.map(\.rawValue)), type: "Header")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        values = try c.value(.values, [])
        secrets = try c.value(.secrets, [])
        files = try c.value(.files, [])
    }
}
