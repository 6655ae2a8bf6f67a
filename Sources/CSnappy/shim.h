#ifndef LANTERN_CSNAPPY_SHIM_H
#define LANTERN_CSNAPPY_SHIM_H
/* Debian's libsnappy-dev: the C binding of Google's snappy (block format, as remote read/write use). */
#include <snappy-c.h>
#endif
