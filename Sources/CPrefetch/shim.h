#ifndef LANTERN_CPREFETCH_SHIM_H
#define LANTERN_CPREFETCH_SHIM_H
/* A cache prefetch hint, which Swift cannot express: the head's commit touches one chunk
 * buffer per sample, each a likely cache miss; hinting them while validating lets the misses
 * overlap instead of stalling the append loop one by one. No library: header only. */
static inline void lantern_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }
#endif
