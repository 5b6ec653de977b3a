#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The test PKI for mailwire's TLS tests, made with Debian's openssl in a few seconds:
#   tests/tls/pki.sh OUTDIR
# OUTDIR gets (EC P-256 keys, ECDSA with SHA-256: mbedTLS 2.28 and 3.x accept them):
#   ca.pem ca.key ca.der      the test CA (basicConstraints CA:TRUE, keyUsage keyCertSign)
#   good.pem good.key         from the CA, for localhost (SAN DNS:localhost, IP:127.0.0.1, IP:::1)
#   wrong.pem wrong.key       from the CA, valid, but only for mail.other-host.example
#   expired.pem expired.key   from the CA, for localhost, valid 2020-01-01 to 2020-12-31 only
#   selfsigned.pem .key       self-signed, for localhost, from no CA
#   other-ca.pem other-ca.key an unrelated CA (a trust store without the test CA)
#   ip.pem ip.key             from the CA, only for the addresses 127.0.0.1 and ::1 (no DNS name)
#   other-ip.pem .key         from the CA, only for 127.0.0.2 and ::2 (loopback, but not ours)
#   dns-only.pem .key         from the CA, only DNS:localhost, with CN=127.0.0.1 (a CN is never an
#                             address: RFC 6125 §1.7.2)
#   big.pem big.key           from the CA, for localhost and 320 more names: over 20 KiB, more than
#                             one TLS record (16 KiB) holds
# Re-running it replaces everything. Quiet on success.
set -euo pipefail

out=${1:?usage: pki.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd) # absolute: the CA configuration below names files in it
cd "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() { # name subject
    key "$1.key"
    openssl req -new -x509 -key "$1.key" -out "$1.pem" -sha256 -days 3650 -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

# leaf name cn san [not_before not_after]: signed by ca.pem with `openssl ca` (its -startdate and
# -enddate set any validity, also one in the past).
leaf() {
    local name=$1 cn=$2 san=$3 start=${4:-} end=${5:-}
    key "$name.key"
    openssl req -new -key "$name.key" -out "$tmp/$name.csr" -subj "/CN=$cn" 2>/dev/null
    cat >"$tmp/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EXT
    mkdir -p "$tmp/ca/newcerts"
    : >"$tmp/ca/index.txt"
    [[ -f "$tmp/ca/serial" ]] || openssl rand -hex 8 >"$tmp/ca/serial"
    cat >"$tmp/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
dir = $tmp/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = $out/ca.pem
private_key = $out/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
CNF
    local dates=(-days 3650)
    [[ -n "$start" ]] && dates=(-startdate "$start" -enddate "$end")
    openssl ca -batch -notext -config "$tmp/ca.cnf" -extfile "$tmp/$name.ext" "${dates[@]}" \
        -in "$tmp/$name.csr" -out "$name.pem" 2>"$tmp/$name.log" || { cat "$tmp/$name.log" >&2; exit 1; }
}

ca ca "/CN=mailwire test CA"
openssl x509 -in ca.pem -outform DER -out ca.der
ca other-ca "/CN=mailwire unrelated CA"
leaf good localhost "DNS:localhost,IP:127.0.0.1,IP:::1"
leaf wrong mail.other-host.example "DNS:mail.other-host.example"
leaf expired localhost "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20201231235959Z
leaf ip "mailwire IP test" "IP:127.0.0.1,IP:::1"
leaf other-ip "mailwire other IP test" "IP:127.0.0.2,IP:::2"
leaf dns-only 127.0.0.1 "DNS:localhost"
big_san="DNS:localhost"
for i in $(seq 1 320); do big_san+=",DNS:name-$i.a-long-label-that-makes-the-certificate-big.mailwire.test"; done
leaf big localhost "$big_san"
key selfsigned.key
openssl req -new -x509 -key selfsigned.key -out selfsigned.pem -sha256 -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -addext "basicConstraints=critical,CA:FALSE"
chmod 600 ./*.key

# The PKI is what the tests think it is, or nothing runs on it.
openssl verify -CAfile ca.pem good.pem wrong.pem ip.pem other-ip.pem dns-only.pem big.pem >/dev/null
big_size=$(openssl x509 -in big.pem -outform DER | wc -c)
((big_size > 20480)) || { echo "pki.sh: big.pem has only $big_size octets" >&2; exit 1; }
for name in ip other-ip dns-only; do
    openssl x509 -in "$name.pem" -noout -ext subjectAltName >"$tmp/$name.san"
done
grep -q "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1" "$tmp/ip.san" ||
    { echo "pki.sh: ip.pem lacks its IP addresses:" >&2; cat "$tmp/ip.san" >&2; exit 1; }
if grep -q "DNS:" "$tmp/ip.san" "$tmp/other-ip.san" || grep -q "IP Address" "$tmp/dns-only.san"; then
    echo "pki.sh: ip.pem, other-ip.pem or dns-only.pem carries the wrong kind of name" >&2; exit 1
fi
if openssl verify -CAfile ca.pem expired.pem >"$tmp/v" 2>&1; then
    echo "pki.sh: expired.pem verifies, but must have expired" >&2; exit 1
fi
grep -q "expired" "$tmp/v" || { echo "pki.sh: expired.pem fails for another reason:" >&2; cat "$tmp/v" >&2; exit 1; }
if openssl verify -CAfile ca.pem selfsigned.pem >/dev/null 2>&1; then
    echo "pki.sh: selfsigned.pem verifies against the test CA" >&2; exit 1
fi
if openssl verify -CAfile other-ca.pem good.pem >/dev/null 2>&1; then
    echo "pki.sh: good.pem verifies against the unrelated CA" >&2; exit 1
fi
