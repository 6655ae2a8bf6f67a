import Foundation

/// The `curl` command-line tool as a real TLS / basic-auth client (127.0.0.1 only).
enum CurlCLI {
    struct Result {
        /// curl's exit code (0 = transfer done; 35/56/… = TLS or connection failure).
        let exitCode: Int32
        /// The HTTP status (`%{http_code}`), 0 when no response arrived.
        let status: Int
        let body: String
        let headers: String
    }

    /// Runs `curl -sS` with `arguments` and `url`; waits without blocking a cooperative thread.
    static func run(_ url: String, _ arguments: [String] = [], timeout: Double = 20) async throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lantern-curl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bodyFile = dir.appendingPathComponent("body").path, headerFile = dir.appendingPathComponent("headers").path
        let codeFile = dir.appendingPathComponent("code").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-sS", "--max-time", "10", "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}"] + arguments + [url]
        FileManager.default.createFile(atPath: codeFile, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: codeFile)
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if p.isRunning { p.terminate() }
        while p.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return Result(exitCode: p.terminationStatus, status: Int(read(codeFile).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
                      body: read(bodyFile), headers: read(headerFile))
    }
}

/// A throw-away PKI made with the `openssl` CLI: a CA, a server certificate for 127.0.0.1,
/// a client certificate signed by the CA, and a second CA that signed nothing of ours.
struct TestPKI {
    let directory: URL
    var ca: String { directory.appendingPathComponent("ca.pem").path }
    var otherCA: String { directory.appendingPathComponent("other-ca.pem").path }
    var serverCert: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCert: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }
    var strangerCert: String { directory.appendingPathComponent("stranger.pem").path }
    var strangerKey: String { directory.appendingPathComponent("stranger.key").path }

    init(in directory: URL) throws {
        self.directory = directory
        try "subjectAltName = IP:127.0.0.1\n".write(to: directory.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
        for cmd in [
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=lantern-test-ca",
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 1 -subj /CN=other-ca",
            "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1",
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 -extfile san.ext",
            "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=lantern-client",
            "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 1",
            "openssl req -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.csr -subj /CN=stranger",
            "openssl x509 -req -in stranger.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -out stranger.pem -days 1",
        ] {
            _ = try Self.shell(cmd, in: directory)
        }
    }

    /// Replaces server.pem/server.key with a new pair for 127.0.0.1 signed by the same CA.
    func rotateServerCertificate(commonName: String) throws {
        for cmd in [
            "openssl req -newkey rsa:2048 -nodes -keyout new.key -out new.csr -subj /CN=\(commonName)",
            "openssl x509 -req -in new.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out new.pem -days 1 -extfile san.ext",
            "mv new.key server.key && mv new.pem server.pem",
        ] {
            _ = try Self.shell(cmd, in: directory)
        }
    }

    /// The subject of the certificate the server on `port` presents.
    func presentedSubject(port: Int) throws -> String {
        try Self.shell("openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -subject", in: directory)
    }

    /// Runs `command` with /bin/sh in `directory`; returns stdout, throws on a non-zero exit.
    static func shell(_ command: String, in directory: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = directory
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["command": command]) }
        return String(decoding: data, as: UTF8.self)
    }
}
