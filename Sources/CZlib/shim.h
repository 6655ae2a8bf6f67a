#ifndef LANTERN_CZLIB_SHIM_H
#define LANTERN_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2 is a macro: a function Swift can call, set up for the gzip wrapper (windowBits 15 + 16). */
static inline int lantern_deflate_init_gzip(z_stream *s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
/* inflateInit2 likewise; 15 + 32 detects gzip or zlib headers. */
static inline int lantern_inflate_init_auto(z_stream *s) {
    return inflateInit2(s, 15 + 32);
}
#endif
