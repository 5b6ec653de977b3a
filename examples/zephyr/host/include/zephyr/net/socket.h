// SPDX-License-Identifier: BSL-1.0
// Host stand-in for Zephyr's <zephyr/net/socket.h> (v3.x): the zsock_* calls mailwire's
// zephyr_transport makes, declared with Zephyr's signatures and carried out by the host's POSIX
// sockets, so that the transport compiles as on Zephyr (__ZEPHYR__, no __unix__) and runs here.
// Zephyr's own types (struct zsock_addrinfo, zsock_pollfd) have the POSIX layouts; here they are
// the host's structures under Zephyr's names.
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define zsock_addrinfo addrinfo
#define zsock_pollfd pollfd
#define ZSOCK_POLLIN POLLIN
#define ZSOCK_POLLOUT POLLOUT
#define ZSOCK_POLLERR POLLERR
#define ZSOCK_POLLHUP POLLHUP
#define ZSOCK_POLLNVAL POLLNVAL
// <zephyr/net/dns_resolve.h>'s codes, which zsock_getaddrinfo returns.
#define DNS_EAI_AGAIN EAI_AGAIN
#define DNS_EAI_SYSTEM EAI_SYSTEM

static inline int zsock_socket(int family, int type, int proto) { return socket(family, type, proto); }
static inline int zsock_close(int sock) { return close(sock); }
static inline int zsock_connect(int sock, const struct sockaddr* addr, socklen_t addrlen) {
    return connect(sock, addr, addrlen);
}
// Zephyr has no signals; the host does: MSG_NOSIGNAL keeps a send to a closed peer from raising one.
static inline ssize_t zsock_send(int sock, const void* buf, size_t len, int flags) {
    return send(sock, buf, len, flags | MSG_NOSIGNAL);
}
static inline ssize_t zsock_recv(int sock, void* buf, size_t max_len, int flags) { return recv(sock, buf, max_len, flags); }
static inline int zsock_poll(struct zsock_pollfd* fds, int nfds, int timeout) { return poll(fds, (nfds_t)nfds, timeout); }
static inline int zsock_fcntl(int sock, int cmd, int flags) { return fcntl(sock, cmd, flags); }
static inline int zsock_setsockopt(int sock, int level, int optname, const void* optval, socklen_t optlen) {
    return setsockopt(sock, level, optname, optval, optlen);
}
static inline int zsock_getsockopt(int sock, int level, int optname, void* optval, socklen_t* optlen) {
    return getsockopt(sock, level, optname, optval, optlen);
}
static inline int zsock_getsockname(int sock, struct sockaddr* addr, socklen_t* addrlen) {
    return getsockname(sock, addr, addrlen);
}
static inline int zsock_getaddrinfo(const char* host, const char* service, const struct zsock_addrinfo* hints,
                                    struct zsock_addrinfo** res) {
    return getaddrinfo(host, service, hints, res);
}
static inline void zsock_freeaddrinfo(struct zsock_addrinfo* ai) { freeaddrinfo(ai); }
static inline char* zsock_inet_ntop(sa_family_t family, const void* src, char* dst, size_t size) {
    return (char*)inet_ntop(family, src, dst, (socklen_t)size);
}
