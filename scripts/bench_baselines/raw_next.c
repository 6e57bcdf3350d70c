/* Reference for scripts/bench: the floor — a process that connects and sends GET /next over a raw
 * socket with nothing but libc loaded. (Start-up only: it exits after the first answer.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 2;
    char host[64];
    const char *colon = strchr(api, ':');
    if (!colon || colon - api >= (long)sizeof host) return 2;
    memcpy(host, api, colon - api);
    host[colon - api] = 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(colon + 1))};
    inet_pton(AF_INET, host, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    char req[256];
    int n = snprintf(req, sizeof req, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
    if (write(fd, req, n) != n) return 1;
    char buf[4096];
    return read(fd, buf, sizeof buf) > 0 ? 0 : 1;
}
