#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""One call graph of the firmware's TLS image for bench/footprint/stack.py.

    callgraph.py FILE.ci... > all.ci      (main.ci, fw_platform.ci, mbedTLS's library/*.ci)

GCC's -fcallgraph-info ends every call through a function pointer at "__indirect_call", and
stack.py counts nothing beyond it. mbedTLS makes its deepest calls that way (the public-key
verification through pk_wrap.c's tables, the random generator, the NIST reductions, the AES
functions behind the cipher layer, the allocator, the I/O and verification callbacks mailwire
installs), so this adds, for each function that calls through a pointer, edges to the functions
that pointer can hold in this configuration (examples/firmware/mbedtls_config.h): the table
below. Where a caller is not listed its indirect calls stay unresolved; they are printed on
stderr.

It also unrolls the cycles between the cipher layer and GCM (mbedtls_cipher_update ->
mbedtls_gcm_update -> mbedtls_cipher_update, and the same for setkey): GCM runs the cipher layer
again for its AES block (ECB) operations, one level deep, never GCM again. The GCM functions'
calls into the cipher layer go to copies of it without the edges into GCM.
"""
import re
import sys

node_re = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
edge_re = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')

PRF = [r"^tls_prf_sha(256|384)$"]
SSL_HOOKS = [r"^ssl_calc_verify_tls_sha(256|384)$", r"^ssl_calc_finished_tls_sha(256|384)$",
             r"^ssl_update_checksum_(start|sha256|sha384)$", r"^tls_prf_sha(256|384)$"] + PRF
RNG = [r"^mbedtls_ctr_drbg_random$"]
BIO = [r"mbedtls_tls::bio<.*>::(send|recv)\("]
PK = r"^(rsa|rsa_alt|eckey|eckeydh|ecdsa)_%s$"
VRFY = [r"mbedtls_tls::on_verify\("]
CIPHER = [r"^aes_(crypt_ecb|setkey_enc|setkey_dec)_wrap$", r"^aes_ctx_(alloc|free)$",
          r"^gcm_aes_setkey_wrap$", r"^gcm_ctx_(alloc|free)$"]

# caller (its label's name) -> what its calls through pointers can reach
TABLE = [
    (r"^mbedtls_calloc$", [r"^buffer_alloc_calloc$"]),
    (r"^mbedtls_free$", [r"^buffer_alloc_free$"]),
    (r"^mbedtls_platform_zeroize$", []),  # memset through a volatile pointer
    # pk_wrap.c's tables: each operation of pk.c calls that operation's entry of a key type
    (r"^mbedtls_pk_verify_restartable$", [PK % "verify_wrap"]),
    (r"^mbedtls_pk_sign_restartable$", [PK % "sign_wrap"]),
    (r"^mbedtls_pk_decrypt$", [PK % "decrypt_wrap"]),
    (r"^mbedtls_pk_encrypt$", [PK % "encrypt_wrap"]),
    (r"^mbedtls_pk_can_do$", [PK % "can_do"]),
    (r"^mbedtls_pk_get_bitlen$", [PK % "get_bitlen"]),
    (r"^mbedtls_pk_free$", [PK % "free_wrap"]),
    (r"^mbedtls_pk_setup$", [PK % "alloc_wrap"]),
    (r"^mbedtls_pk_check_pair$", [PK % "check_pair(_wrap)?"]),
    (r"^mbedtls_pk_debug$", [PK % "debug"]),
    (r"^mpi_fill_random_internal$", RNG),
    (r"^mbedtls_rsa_rsaes_pkcs1_v15_encrypt$", RNG),
    (r"^mbedtls_mpi_mul_mod$", [r"^ecp_mod_p(256|384)$"]),  # ecp.c's, through grp->modp
    (r"^mbedtls_ctr_drbg_reseed_internal$", [r"^mbedtls_entropy_func$"]),
    (r"^entropy_gather_internal", [r"board_entropy\("]),  # the board's hardware RNG
    (r"^mbedtls_cipher_(update|setkey|setup|free|crypt)$", CIPHER),
    (r"^ssl_calc_finished_tls_sha(256|384)$", PRF),
    (r"^mbedtls_ssl_tls_prf$", PRF),
    (r"^mbedtls_ssl_(check_timer|set_timer)$", []),  # no timer callbacks are set (TLS, not DTLS)
    (r"^mbedtls_ssl_(fetch_input|read)$", BIO),
    (r"^mbedtls_ssl_flush_output$", BIO),
    (r"^mbedtls_ssl_", SSL_HOOKS + RNG + BIO),
    (r"^mbedtls_x509_crt_parse_der_internal$", []),  # no extension callback is given
    (r"^x509_crt_verify_restartable_ca_cb", VRFY),  # f_vrfy; no CA callback is given
    (r"^mbedtls_asn1_traverse_sequence_of$", [r"^asn1_get_sequence_of_cb$"]),
    # mailwire: the client's trace hook and a handshake's attach_trust hook are the user's (unset
    # in the image), main's is the content source's read (counted as the user's code)
]


def main():
    nodes, names, edges = {}, {}, {}
    order = []
    for path in sys.argv[1:]:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = node_re.search(line)
            if m:
                title, label = m.group(1), m.group(2)
                name = label.split("\\n")[0]
                has_frame = re.search(r"\\n\d+ bytes \(", label) is not None
                # a definition (with its frame) wins over a declaration seen in another file
                if title not in nodes or has_frame:
                    nodes[title] = label
                    names[title] = name
                if title not in order:
                    order.append(title)
                continue
            m = edge_re.search(line)
            if m:
                edges.setdefault(m.group(1), set()).add(m.group(2))

    def titles_matching(pattern):
        rx = re.compile(pattern)
        return [t for t in order if rx.search(names.get(t, t)) and re.search(r"\\n\d+ bytes \(", nodes[t])]

    unresolved = []
    for src in order:
        if "__indirect_call" not in edges.get(src, ()):
            continue
        name = names.get(src, src)
        for pattern, targets in TABLE:
            if re.search(pattern, name):
                for t in targets:
                    for u in titles_matching(t):
                        if u != src:
                            edges[src].add(u)
                break
        else:
            unresolved.append(name)

    # Unroll cipher layer <-> GCM: the GCM functions call copies of the cipher layer's functions
    # that do not lead back into GCM.
    gcm = re.compile(r"^(mbedtls_gcm_|gcm_)")
    layer = re.compile(r"^mbedtls_cipher_")
    copies = {}
    for src in list(order):
        if not gcm.search(names.get(src, "")):
            continue
        for dst in list(edges.get(src, ())):
            if not layer.search(names.get(dst, "")):
                continue
            if dst not in copies:
                copy = dst + "#block"
                nodes[copy] = nodes[dst].replace(names[dst], names[dst] + " (AES block, from GCM)", 1)
                names[copy] = names[dst]
                order.append(copy)
                edges[copy] = {u for u in edges.get(dst, ()) if not gcm.search(names.get(u, u))}
                copies[dst] = copy
            edges[src].discard(dst)
            edges[src].add(copies[dst])

    for name in sorted(set(unresolved)):
        print("callgraph.py: indirect calls of %s not resolved" % name, file=sys.stderr)
    out = sys.stdout
    for t in order:
        out.write('node: { title: "%s" label: "%s" }\n' % (t, nodes[t]))
    for src in order:
        for dst in sorted(edges.get(src, ())):
            out.write('edge: { sourcename: "%s" targetname: "%s" }\n' % (src, dst))


if __name__ == "__main__":
    main()
