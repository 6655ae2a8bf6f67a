internal import CSnappy

/// Snappy block compression (not the framed format), as remote read and write use it,
/// through Debian's libsnappy.
public enum Snappy {
    /// An input snappy cannot decode.
    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Compresses `input` into one snappy block.
    public static func encode(_ input: [UInt8]) -> [UInt8] {
        var outLen = snappy_max_compressed_length(input.count)
        var out = [UInt8](repeating: 0, count: outLen)
        let status = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                src.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, src.count)) { s in
                    dst.baseAddress!.withMemoryRebound(to: CChar.self, capacity: dst.count) { d in
                        snappy_compress(s, src.count, d, &outLen)
                    }
                }
            }
        }
        precondition(status == SNAPPY_OK, "snappy_compress failed with a sufficient buffer")
        out.removeLast(out.count - outLen)
        return out
    }

    /// Decompresses one snappy block.
    /// - Parameter maxLength: refuse inputs that claim to expand beyond this (default 32 MiB).
    /// - Throws: `DecodeError` for corrupt input or an oversized claim.
    public static func decode(_ input: [UInt8], maxLength: Int = 32 << 20) throws(DecodeError) -> [UInt8] {
        guard !input.isEmpty else { throw DecodeError(description: "empty snappy block") }
        var length = 0
        let ok = input.withUnsafeBufferPointer { src in
            src.baseAddress!.withMemoryRebound(to: CChar.self, capacity: src.count) { snappy_uncompressed_length($0, src.count, &length) }
        }
        guard ok == SNAPPY_OK else { throw DecodeError(description: "corrupt snappy block header") }
        guard length <= maxLength else { throw DecodeError(description: "snappy block expands to \(length) bytes, over the \(maxLength) limit") }
        var out = [UInt8](repeating: 0, count: max(1, length))
        var outLen = length
        let status = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                src.baseAddress!.withMemoryRebound(to: CChar.self, capacity: src.count) { s in
                    dst.baseAddress!.withMemoryRebound(to: CChar.self, capacity: dst.count) { d in
                        snappy_uncompress(s, src.count, d, &outLen)
                    }
                }
            }
        }
        guard status == SNAPPY_OK else { throw DecodeError(description: "corrupt snappy block") }
        out.removeLast(out.count - outLen)
        return out
    }
}
