import Model

/// Checks `basic_auth_users` credentials, remembering recent successes.
///
/// Every request carries the password, and bcrypt costs tens of milliseconds by design, so
/// like exporter-toolkit Lantern caches verified (user, hash, password) triples (at most
/// `capacity`, oldest evicted). Only successes are cached: failures pay bcrypt every time,
/// which is the point of bcrypt against guessing. The cache lives only in memory and is
/// never logged; an unknown user is checked against a dummy hash so the response time does
/// not reveal which user names exist.
actor BasicAuthenticator {
    private let users: [String: String]
    private let capacity: Int
    private var verified: [String: UInt64] = [:]
    private var clock: UInt64 = 0

    /// A bcrypt hash of a random string: unknown users are checked against it (same cost as users' hashes).
    private let dummyHash: String

    init(users: [String: String], capacity: Int = 100) {
        self.users = users
        self.capacity = capacity
        dummyHash = users.values.sorted().first.map { String($0.prefix(29)) + String(repeating: "a", count: 31) }
            ?? "$2y$10$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    }

    /// Whether `user` with `password` may pass.
    func verify(user: String, password: String) async -> Bool {
        guard let hash = users[user] else {
            _ = await Bcrypt.verify(password: password, hash: dummyHash)
            return false
        }
        let key = user + "\u{0}" + hash + "\u{0}" + password
        clock &+= 1
        if verified[key] != nil {
            verified[key] = clock
            return true
        }
        guard await Bcrypt.verify(password: password, hash: hash) else { return false }
        if verified.count >= capacity, let oldest = verified.min(by: { $0.value < $1.value })?.key {
            verified[oldest] = nil
        }
        clock &+= 1
        verified[key] = clock
        return true
    }

    /// How many successes are cached (tests).
    var cachedCount: Int { verified.count }
}
