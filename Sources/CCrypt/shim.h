/* Debian's libxcrypt (libcrypt-dev): crypt_rn verifies bcrypt ($2a$/$2b$/$2y$) hashes for
 * the web configuration's basic_auth_users. Reentrant: the caller owns the crypt_data. */
#include <crypt.h>
