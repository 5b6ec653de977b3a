#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""The worst stack depth from a root function, from GCC's -fcallgraph-info=su output (.ci files).

    stack.py ROOT FILE.ci...

Each node of the call graph carries the function's own frame ("N bytes (static)" or
"(dynamic,bounded)"); the depth of a path is the sum of its frames. Prints the deepest path from
ROOT and its total. Calls through a function pointer (the transport's and sources' callbacks)
end at the node "__indirect_call" with no frame: what they call is the user's code, counted
separately. Recursion (a cycle) is reported as an error: mailwire has none.
"""
import re
import sys

node_re = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
edge_re = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


def main():
    root = sys.argv[1]
    frames, names, edges = {}, {}, {}
    for path in sys.argv[2:]:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = node_re.search(line)
            if m:
                title, label = m.group(1), m.group(2)
                parts = label.split("\\n")
                names[title] = parts[0]
                size = 0
                for p in parts:
                    s = re.match(r"(\d+) bytes \((static|dynamic,bounded|dynamic)\)", p)
                    if s:
                        size = int(s.group(1))
                        if s.group(2) == "dynamic":
                            print("unbounded dynamic stack in %s" % parts[0])
                            sys.exit(2)
                frames[title] = max(frames.get(title, 0), size)
                continue
            m = edge_re.search(line)
            if m:
                edges.setdefault(m.group(1), set()).add(m.group(2))
    roots = [t for t, n in names.items() if n == root or t == root]
    if not roots:
        print("no function %s in the call graph" % root)
        sys.exit(2)
    memo, visiting = {}, set()

    def deepest(t):
        if t in memo:
            return memo[t]
        if t in visiting:
            print("recursion through %s" % names.get(t, t))
            sys.exit(2)
        visiting.add(t)
        best, path = 0, []
        for u in edges.get(t, ()):
            d, p = deepest(u)
            if d > best:
                best, path = d, p
        visiting.discard(t)
        memo[t] = (frames.get(t, 0) + best, [t] + path)
        return memo[t]

    total, path = deepest(roots[0])
    print(total)
    for t in path:
        print("  %6d  %s" % (frames.get(t, 0), names.get(t, t)), file=sys.stderr)


if __name__ == "__main__":
    main()
