/* Reference for scripts/bench: the least a libcurl-based runtime must do before its first
 * GET /next — load libcurl (and its ~30 shared libraries), curl_global_init, one request.
 * It answers every invocation with "{}" so it also gives the loop-overhead floor. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char id[128];

static size_t on_header(char *b, size_t s, size_t n, void *u) {
    size_t len = s * n;
    const char *k = "Lambda-Runtime-Aws-Request-Id:";
    if (len > strlen(k) && strncasecmp(b, k, strlen(k)) == 0) {
        size_t i = strlen(k), j = 0;
        while (i < len && b[i] == ' ') i++;
        while (i < len && b[i] != '\r' && b[i] != '\n' && j < sizeof id - 1) id[j++] = b[i++];
        id[j] = 0;
    }
    return len;
}

static size_t discard(char *b, size_t s, size_t n, void *u) { return s * n; }

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 2;
    char next[256], resp[512];
    snprintf(next, sizeof next, "http://%s/2018-06-01/runtime/invocation/next", api);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    for (;;) {
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, next);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(h, CURLOPT_PROXY, "");
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
        long status = 0;
        if (curl_easy_perform(h) != CURLE_OK) return 1;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) return 1;
        snprintf(resp, sizeof resp, "http://%s/2018-06-01/runtime/invocation/%s/response", api, id);
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, resp);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(h, CURLOPT_PROXY, "");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{}");
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
        if (curl_easy_perform(h) != CURLE_OK) return 1;
    }
}
