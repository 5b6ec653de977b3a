#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Every source file of mailwire carries an SPDX licence line (BSL-1.0, LICENSE at the root).

    licence.py --check   exit 1 and name each source file without the line (CI, and the test
                         `licence.spdx`)
    licence.py --add     put the line into each file that lacks it (after a #! line, if any)

A source file is one a person edits and a build or a test reads: C and C++ (.hpp .h .cpp .c, and
Arduino sketches .ino), linker scripts, shell and Python scripts, CMake files, Kconfig and
sdkconfig files, package manifests with comments (.yml, library.properties), ESP-IDF partition
tables (.csv), and .ci/run. Not: documentation (.md), data (fuzz corpora, budgets.txt, the
example's spiffs_image/), JSON (library.json carries "license" instead), and single_include/, which
scripts/amalgamate.py generates with the line in its banner. The tree is walked (not `git
ls-files`), so the check works in an unpacked archive as well; build/ and dot-directories other
than .ci are skipped. Only the Python standard library is used.
"""

import argparse
import os
import pathlib
import sys

IDENTIFIER = "SPDX-License-Identifier: BSL-1.0"
HASH = {".sh", ".py", ".cmake", ".in", ".yml", ".properties", ".csv"}
SLASH = {".hpp", ".h", ".cpp", ".c", ".ino"}
BLOCK = {".ld"}
HASH_NAMES = {"CMakeLists.txt", "Kconfig.projbuild", "Kconfig", "sdkconfig.defaults", "module.yml", "run"}
SKIP_DIRS = {"build", "single_include", "corpus", "regressions", "node_modules", "spiffs_image"}


def comment_for(path):
    """The licence line in the file's comment syntax, or None when the file is not a source file."""
    if path.suffix in SLASH:
        return f"// {IDENTIFIER}\n"
    if path.suffix in BLOCK:
        return f"/* {IDENTIFIER} */\n"
    if path.suffix in HASH or path.name in HASH_NAMES:
        if path.name == "run" and path.parent.name != ".ci":
            return None
        return f"# {IDENTIFIER}\n"
    return None


def source_files(root):
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and (not d.startswith(".") or d == ".ci"))
        for name in sorted(files):
            path = pathlib.Path(directory, name)
            line = comment_for(path)
            if line is not None:
                yield path, line


def has_line(text):
    # In the first five lines: after a #! line, an encoding line or a block comment's opening.
    return any(IDENTIFIER in line for line in text.splitlines()[:5])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--add", action="store_true")
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    root = args.root.resolve()

    missing, checked = [], 0
    for path, line in source_files(root):
        checked += 1
        text = path.read_text(encoding="utf-8")
        if has_line(text):
            continue
        if args.check:
            missing.append(path.relative_to(root).as_posix())
            continue
        lines = text.splitlines(keepends=True)
        at = 1 if lines and lines[0].startswith("#!") else 0
        lines.insert(at, line)
        path.write_text("".join(lines), encoding="utf-8")
        print(f"licence: added the SPDX line to {path.relative_to(root).as_posix()}")
    if missing:
        print(f"licence --check: {len(missing)} of {checked} source files lack '{IDENTIFIER}':", file=sys.stderr)
        for name in missing:
            print(f"  {name}", file=sys.stderr)
        print("run `python3 scripts/licence.py --add` (or add the line by hand) and commit", file=sys.stderr)
        return 1
    if args.check:
        print(f"licence --check: all {checked} source files carry '{IDENTIFIER}'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
