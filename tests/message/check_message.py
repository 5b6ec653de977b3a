#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Checks a message composed by mailwire with Python's email package, an independent parser.

    check_message.py MESSAGE_FILE SPEC_JSON

SPEC_JSON says what the message must be, from the composer's inputs (never from its output):

    {"from": ["display", "addr"], "to": [["display", "addr"], ...], "cc": [...],
     "reply_to": [...], "no_headers": ["Bcc"], "subject": "unicode text",
     "headers": {"X-Name": "value"}, "tree": "multipart/mixed(text/plain,application/pdf)",
     "texts": {"text/plain": "expected text, LF line ends", "text/html": "..."},
     "attachments": [{"filename": "n", "file": "/path/of/the/input/bytes",
                      "content_type": "t/s", "content_id": "id@x" or null}],
     "cte": {"text/plain": "quoted-printable", ...},
     "max_header_line": 78}

Prints each mismatch and exits 1, or exits 0. Also checks, on the raw bytes, that every line
ends with CRLF (no bare CR or LF) and is at most 998 octets (RFC 5322 §2.1.1).
"""

import email.parser
import email.policy
import hashlib
import json
import sys

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def tree(part):
    if part.is_multipart():
        return part.get_content_type() + "(" + ",".join(tree(p) for p in part.iter_parts()) + ")"
    return part.get_content_type()


def addresses(msg, name):
    header = msg[name]
    if header is None:
        return []
    return [[a.display_name, a.addr_spec] for a in header.addresses]


def main():
    raw = open(sys.argv[1], "rb").read()
    spec = json.load(open(sys.argv[2], encoding="utf-8"))

    # Raw form: CRLF everywhere, line lengths.
    lines = raw.split(b"\r\n")
    for i, line in enumerate(lines):
        check(b"\r" not in line and b"\n" not in line, "line %d has a bare CR or LF: %r" % (i + 1, line[:80]))
        check(len(line) <= 998, "line %d is %d octets long" % (i + 1, len(line)))
    header_end = raw.find(b"\r\n\r\n")
    check(header_end > 0, "no blank line after the header section")
    limit = spec.get("max_header_line")
    if limit:
        for line in raw[:header_end].split(b"\r\n"):
            check(len(line) <= limit, "header line longer than %d: %r" % (limit, line))

    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
    check(not msg.defects, "message defects: %r" % (msg.defects,))

    if "from" in spec:
        check(addresses(msg, "From") == [spec["from"]], "From: %r != %r" % (addresses(msg, "From"), [spec["from"]]))
    for key, name in (("to", "To"), ("cc", "Cc"), ("reply_to", "Reply-To")):
        if key in spec:
            got = addresses(msg, name)
            check(got == spec[key], "%s: %r != %r" % (name, got, spec[key]))
    for name in spec.get("no_headers", []):
        check(msg[name] is None, "header %s must not be there: %r" % (name, msg[name]))
    if "subject" in spec:
        check(str(msg["Subject"]) == spec["subject"], "Subject: %r != %r" % (str(msg["Subject"]), spec["subject"]))
    for name, value in spec.get("headers", {}).items():
        check(str(msg[name]) == value, "%s: %r != %r" % (name, str(msg[name]), value))
    check(msg["MIME-Version"] == "1.0", "MIME-Version: %r" % msg["MIME-Version"])
    if "tree" in spec:
        check(tree(msg) == spec["tree"], "MIME tree %s != %s" % (tree(msg), spec["tree"]))

    texts = spec.get("texts", {})
    ctes = spec.get("cte", {})
    attachments = {a["filename"] or a.get("content_id"): a for a in spec.get("attachments", [])}
    seen = set()
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        for d in part.defects:
            problems.append("defect in %s: %r" % (ctype, d))
        name = part.get_filename()
        cid = part["Content-ID"]
        key = name if name else (cid.strip("<>") if cid else None)
        if key in attachments:
            a = attachments[key]
            seen.add(key)
            data = part.get_payload(decode=True) or b""
            want = open(a["file"], "rb").read()
            check(hashlib.sha256(data).hexdigest() == hashlib.sha256(want).hexdigest(),
                  "attachment %r: %d bytes decoded, %d expected, digests differ" % (key, len(data), len(want)))
            check(ctype == a["content_type"], "attachment %r type %s != %s" % (key, ctype, a["content_type"]))
            if a.get("content_id"):
                check(cid == "<" + a["content_id"] + ">", "Content-ID %r != <%s>" % (cid, a["content_id"]))
                check(part.get_content_disposition() == "inline", "%r is not inline" % key)
            else:
                check(part.get_content_disposition() == "attachment", "%r is not an attachment" % key)
        elif ctype in texts:
            got = part.get_content().replace("\r\n", "\n")
            want = texts[ctype]
            check(got == want, "%s body %r != %r" % (ctype, got[:200], want[:200]))
            if ctype in ctes:
                check(part["Content-Transfer-Encoding"] == ctes[ctype],
                      "%s transfer encoding %s != %s" % (ctype, part["Content-Transfer-Encoding"], ctes[ctype]))
    for key in attachments:
        check(key in seen, "attachment %r not found" % key)

    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
