#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Checks that the C++ block under README.md's "## The library" is examples/hello/readme.cpp
(after that file's comment header), so the example a newcomer copies is the one CI compiles.
Exit 0 when they match, 1 with the first differing line otherwise."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
readme = (root / "README.md").read_text(encoding="utf-8")
block = re.search(r"^## The library\n\n```cpp\n(.*?)^```", readme, re.S | re.M)
if block is None:
    print("README.md: no ```cpp block under '## The library'")
    sys.exit(1)
source = (root / "examples/hello/readme.cpp").read_text(encoding="utf-8").splitlines(keepends=True)
while source and source[0].startswith("//"):
    source.pop(0)
want, have = block.group(1).splitlines(), "".join(source).splitlines()
for i, (a, b) in enumerate(zip(want, have), 1):
    if a != b:
        print(f"line {i} differs:\n  README.md:  {a}\n  readme.cpp: {b}")
        sys.exit(1)
if len(want) != len(have):
    print(f"README.md's block has {len(want)} lines, examples/hello/readme.cpp {len(have)}")
    sys.exit(1)
print("README.md's library example is examples/hello/readme.cpp")
