import Foundation
internal import CZlib

/// A write that could not complete: a closed pipe, a full disk, an unwritable file.
struct OutputError: Error, CustomStringConvertible {
    let description: String

    init(_ what: String, errno code: Int32) {
        switch code {
        case EPIPE: description = "\(what): output closed by the reader (broken pipe)"
        case ENOSPC: description = "\(what): no space left on device"
        case EDQUOT: description = "\(what): disk quota exceeded"
        default: description = "\(what): \(String(cString: strerror(code)))"
        }
    }

    init(message: String) { description = message }
}

/// Where an export's bytes go: stdout or a file, gzip-compressed when the file name ends in
/// `.gz`. Blocking `write(2)` calls; SIGPIPE must be ignored so a closed pipe is an error.
final class OutputSink {
    let path: String?
    private let fd: Int32
    private var gzip: GzipDeflater?
    private(set) var bytesOut = 0
    /// Only a regular file this export created may be removed on failure (never /dev/full, a FIFO…).
    private var removable = false

    /// - Parameter path: nil or `-` for stdout; otherwise the file to create (truncated).
    init(path: String?) throws {
        if let path, path != "-" {
            self.path = path
            let existed = FileManager.default.fileExists(atPath: path)
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw OutputError("cannot create \(path)", errno: errno) }
            var st = stat()
            removable = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && !existed
            gzip = path.hasSuffix(".gz") ? try GzipDeflater() : nil
        } else {
            self.path = nil
            fd = STDOUT_FILENO
        }
    }

    /// Writes (compresses) `bytes`.
    func write(_ bytes: [UInt8]) throws {
        if let gzip {
            try gzip.deflate(bytes, finish: false) { try self.writeRaw($0) }
        } else {
            try writeRaw(bytes[...])
        }
    }

    /// Ends the gzip stream, flushes the file to disk and closes it.
    func finish() throws {
        if let gzip { try gzip.deflate([], finish: true) { try self.writeRaw($0) } }
        gzip = nil
        if path != nil {
            guard fsync(fd) == 0 || errno == EINVAL || errno == EROFS else { throw OutputError("cannot sync \(path!)", errno: errno) }
            guard close(fd) == 0 else { throw OutputError("cannot close \(path!)", errno: errno) }
        }
    }

    /// On failure: closes and removes a partly written file (a full disk gets its space back).
    func abandon() {
        guard let path else { return }
        close(fd)
        if removable { unlink(path) }
    }

    private func writeRaw(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError("writing \(path ?? "stdout") failed", errno: errno)
                }
                off += n
            }
        }
        bytesOut += bytes.count
    }
}

/// zlib's deflate with the gzip wrapper, fed buffer by buffer.
final class GzipDeflater {
    private var stream = z_stream()
    private var out = [UInt8](repeating: 0, count: 1 << 17)

    init() throws {
        guard lantern_deflate_init_gzip(&stream, 6) == Z_OK else { throw OutputError(message: "gzip: deflateInit failed") }
    }

    deinit { deflateEnd(&stream) }

    func deflate(_ input: [UInt8], finish: Bool, _ emit: (ArraySlice<UInt8>) throws -> Void) throws {
        var input = input
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                let (rc, produced) = out.withUnsafeMutableBufferPointer { o -> (Int32, Int) in
                    stream.next_out = o.baseAddress
                    stream.avail_out = uInt(o.count)
                    let rc = CZlib.deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    return (rc, o.count - Int(stream.avail_out))
                }
                guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else { throw OutputError(message: "gzip: deflate failed (\(rc))") }
                if produced > 0 { try emit(out[..<produced]) }
                if finish ? rc == Z_STREAM_END : (stream.avail_in == 0 && produced < out.count) { break }
            }
        }
    }
}
