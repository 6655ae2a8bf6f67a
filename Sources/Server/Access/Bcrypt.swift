import CCrypt
import Dispatch

/// bcrypt verification through libxcrypt's `crypt_rn`, off Swift's cooperative pool.
///
/// bcrypt is slow on purpose (cost 10 ≈ 50–100 ms), so a verification runs on a global
/// dispatch queue and resumes the caller when done; the cooperative threads keep serving.
enum Bcrypt {
    /// Whether `password` hashes to `hash` (a `$2a$`/`$2b$`/`$2y$` string). False for a
    /// malformed hash, never an error: a bad password and a bad hash both deny access.
    static func verify(password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: verifyBlocking(password: password, hash: hash))
            }
        }
    }

    /// The blocking check; call only off the cooperative pool.
    static func verifyBlocking(password: String, hash: String) -> Bool {
        // crypt_data is ~32 KiB: allocate it rather than putting it on a dispatch thread's stack.
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        data.initialize(to: crypt_data())
        guard let out = crypt_rn(password, hash, data, Int32(MemoryLayout<crypt_data>.size)) else { return false }
        let computed = Array(String(cString: out).utf8)
        let expected = Array(hash.utf8)
        // libxcrypt signals failure with a string starting with '*'; the hashes are compared in
        // constant time so the response time tells nothing about how much of the hash matched.
        guard computed.count == expected.count, computed.first != UInt8(ascii: "*") else { return false }
        var diff: UInt8 = 0
        for i in 0..<computed.count { diff |= computed[i] ^ expected[i] }
        return diff == 0
    }
}
