#ifndef LANTERN_CCURL_SHIM_H
#define LANTERN_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic: one typed wrapper per argument type. */
static inline CURLcode lantern_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lantern_curl_set_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lantern_curl_set_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode lantern_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*lantern_curl_data_fn)(char *, size_t, size_t, void *);
static inline CURLcode lantern_curl_set_writer(CURL *h, lantern_curl_data_fn f, void *ctx) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_WRITEDATA, ctx);
}
static inline CURLcode lantern_curl_set_header_reader(CURL *h, lantern_curl_data_fn f, void *ctx) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_HEADERDATA, ctx);
}
static inline CURLcode lantern_curl_get_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode lantern_curl_get_private(CURL *h, void **out) { return curl_easy_getinfo(h, CURLINFO_PRIVATE, out); }
static inline CURLcode lantern_curl_set_private(CURL *h, void *p) { return curl_easy_setopt(h, CURLOPT_PRIVATE, p); }

/* curl_multi_setopt is variadic too. */
static inline CURLMcode lantern_curl_multi_set_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

/* CURLMsg.data is a union; Swift reads it through this accessor. */
static inline CURLcode lantern_curl_msg_result(CURLMsg *m) { return m->data.result; }
#endif
