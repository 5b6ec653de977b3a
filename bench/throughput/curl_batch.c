// SPDX-License-Identifier: BSL-1.0
// bench/throughput/curl_batch: libcurl's side of the throughput benchmark. Sends --count messages
// of --size octets (message.h, built once in memory) to one recipient each over ONE connection:
// one easy handle, reused, and libcurl keeps the connection to the same host open between
// transfers (curl_easy_cleanup sends the QUIT). Plaintext, to loopback.
//
//   curl_batch --port N [--host 127.0.0.1] [--count N] [--size OCTETS]
//
// Prints one line: client=curl messages=N size=S elapsed=SECONDS cpu=SECONDS, where elapsed is
// wall-clock time from the first transfer to the end of curl_easy_cleanup() and cpu is this
// process's user + system time (getrusage RUSAGE_SELF) over the same span. Exits 1 when a
// transfer fails.
#include "message.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct memory {
    const char* data;
    size_t len, pos;
};

static size_t read_message(char* buf, size_t size, size_t nitems, void* user) {
    struct memory* m = (struct memory*)user;
    size_t n = size * nitems;
    if (n > m->len - m->pos) n = m->len - m->pos;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return n;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static void usage(void) {
    fprintf(stderr, "usage: curl_batch --port N [--host ADDR] [--count N] [--size OCTETS]\n");
    exit(64);
}

int main(int argc, char** argv) {
    const char* host = "127.0.0.1";
    long port = 0, count = 1;
    size_t size = 1024;
    for (int i = 1; i < argc; ++i) {
        if (i + 1 >= argc) usage();
        if (strcmp(argv[i], "--port") == 0) port = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--host") == 0) host = argv[++i];
        else if (strcmp(argv[i], "--count") == 0) count = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--size") == 0) size = (size_t)strtoull(argv[++i], NULL, 10);
        else usage();
    }
    if (port <= 0 || port > 65535 || count < 1) usage();

    struct memory msg = {NULL, 0, 0};
    msg.data = bench_message(size, &msg.len);
    if (msg.data == NULL) {
        fprintf(stderr, "curl_batch: out of memory\n");
        return 1;
    }
    char url[300];
    snprintf(url, sizeof(url), strchr(host, ':') ? "smtp://[%s]:%ld/client.example" : "smtp://%s:%ld/client.example",
             host, port);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL* curl = curl_easy_init();
    struct curl_slist* rcpt = curl_slist_append(NULL, "<rcpt@example.org>");
    if (curl == NULL || rcpt == NULL) {
        fprintf(stderr, "curl_batch: curl_easy_init failed\n");
        return 1;
    }
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, "<sender@example.org>");
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &msg);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

    const double t0 = now(), c0 = cpu();
    for (long i = 0; i < count; ++i) {
        msg.pos = 0;
        CURLcode rc = curl_easy_perform(curl);
        if (rc != CURLE_OK) {
            fprintf(stderr, "curl_batch: message %ld: %s (%s)\n", i + 1, curl_easy_strerror(rc), error);
            return 1;
        }
    }
    curl_easy_cleanup(curl); // QUIT, and the connection closed
    const double t1 = now(), c1 = cpu();

    printf("client=curl messages=%ld size=%zu elapsed=%.6f cpu=%.6f\n", count, msg.len, t1 - t0, c1 - c0);
    curl_slist_free_all(rcpt);
    curl_global_cleanup();
    free((void*)msg.data);
    return 0;
}
