#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
"""Checks every package manifest of mailwire against the project (CTest: repo.manifests).

    check_manifests.py [ROOT]

For each manifest: the fields its registry requires are there and well-formed, the version is the
project's (include/mailwire/config.hpp), the licence is BSL-1.0, the home page is the one in
CMakeLists.txt's project(), and every file or directory it names exists.

  library.json           PlatformIO (JSON; name, version, description, keywords, repository,
                         license, frameworks, platforms, build.includeDir/srcDir, headers, export,
                         examples)
  library.properties     Arduino library specification 1.5 (name, version, author, maintainer,
                         sentence, paragraph, category, url, architectures, includes; src/ layout)
  idf_component.yml      ESP Component Registry (version, description, url, license,
                         dependencies.idf), and the root CMakeLists.txt registering the component
                         before project()
  zephyr/module.yml      Zephyr module (name, build.cmake and build.kconfig that exist), if present
  cmake/pkgconfig/*.in   pkg-config templates (Name, Description with the licence, Version from CMake)

Prints one line per problem and exits 1 if there is any. Only the Python standard library is used
(the YAML files are read as the simple subset they are written in).
"""

import glob
import json
import pathlib
import re
import sys

LICENCE = "BSL-1.0"
ARDUINO_CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors", "Device Control",
                      "Timing", "Data Storage", "Data Processing", "Other"}
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


class Checker:
    def __init__(self, root):
        self.root = root
        self.problems = []
        self.checked = []

    def problem(self, where, text):
        self.problems.append(f"{where}: {text}")

    def exists(self, where, relative, what="file"):
        if not (self.root / relative).exists():
            self.problem(where, f"names {what} {relative}, which does not exist")
            return False
        return True

    # ------------------------------------------------------------------------- the project
    def project_version(self):
        text = (self.root / "include/mailwire/config.hpp").read_text()
        parts = []
        for part in ("MAJOR", "MINOR", "PATCH"):
            m = re.search(rf"^#define MAILWIRE_VERSION_{part} (\d+)$", text, re.M)
            if not m:
                sys.exit(f"check_manifests: no MAILWIRE_VERSION_{part} in include/mailwire/config.hpp")
            parts.append(m.group(1))
        return ".".join(parts)

    def homepage(self):
        text = (self.root / "CMakeLists.txt").read_text()
        m = re.search(r'HOMEPAGE_URL\s+"([^"]+)"', text)
        if not m:
            sys.exit("check_manifests: no HOMEPAGE_URL in CMakeLists.txt's project()")
        return m.group(1)

    # ------------------------------------------------------------------------- PlatformIO
    def library_json(self, version, home):
        where = "library.json"
        path = self.root / where
        if not path.exists():
            return self.problem(where, "missing")
        try:
            d = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            return self.problem(where, f"not valid JSON: {e}")
        self.checked.append(where)
        for key in ("name", "version", "description", "keywords", "repository", "license", "frameworks",
                    "platforms"):
            if not d.get(key):
                self.problem(where, f"no {key}")
        if d.get("name") != "mailwire":
            self.problem(where, f"name is {d.get('name')!r}, not 'mailwire'")
        if d.get("version") != version:
            self.problem(where, f"version {d.get('version')!r}, the project is {version}")
        if d.get("license") != LICENCE:
            self.problem(where, f"license {d.get('license')!r}, not {LICENCE}")
        if d.get("homepage") != home:
            self.problem(where, f"homepage {d.get('homepage')!r}, CMakeLists.txt says {home}")
        repo = d.get("repository") or {}
        if repo.get("type") != "git" or not str(repo.get("url", "")).startswith(home):
            self.problem(where, f"repository should be git at {home}")
        keywords = d.get("keywords", [])
        if not isinstance(keywords, list) or any(not isinstance(k, str) or not k for k in keywords):
            self.problem(where, "keywords must be a list of words")
        frameworks = d.get("frameworks", [])
        for wanted in ("arduino", "espidf"):
            if wanted not in frameworks:
                self.problem(where, f"frameworks lacks {wanted}")
        build = d.get("build", {})
        include_dir = build.get("includeDir", "include")
        src_dir = build.get("srcDir", "src")
        self.exists(where, include_dir, "the include directory")
        self.exists(where, src_dir, "the source directory")
        for header in d.get("headers", []):
            if not ((self.root / src_dir / header).exists() or (self.root / include_dir / header).exists()):
                self.problem(where, f"header {header} is in neither {src_dir}/ nor {include_dir}/")
        for entry in d.get("export", {}).get("include", []):
            self.exists(where, entry, "the exported path")
        for pattern in d.get("examples", []):
            if not glob.glob(str(self.root / pattern)):
                self.problem(where, f"examples pattern {pattern} matches nothing")

    # ------------------------------------------------------------------------- Arduino
    @staticmethod
    def properties(text):
        out = {}
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if sep:
                out[key.strip()] = value.strip()
        return out

    def library_properties(self, version, home):
        where = "library.properties"
        path = self.root / where
        if not path.exists():
            return self.problem(where, "missing")
        self.checked.append(where)
        p = self.properties(path.read_text())
        for key in ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
                    "architectures"):
            if not p.get(key):
                self.problem(where, f"no {key}")
        if p.get("name") != "mailwire" or not re.match(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$", p.get("name", "")):
            self.problem(where, f"name {p.get('name')!r}")
        if p.get("version") != version:
            self.problem(where, f"version {p.get('version')!r}, the project is {version}")
        if not SEMVER.match(p.get("version", "")):
            self.problem(where, "version is not MAJOR.MINOR.PATCH")
        if p.get("category") not in ARDUINO_CATEGORIES:
            self.problem(where, f"category {p.get('category')!r} is not one of Arduino's")
        if p.get("url") != home:
            self.problem(where, f"url {p.get('url')!r}, CMakeLists.txt says {home}")
        if LICENCE not in p.get("paragraph", "") or LICENCE not in path.read_text().splitlines()[0]:
            self.problem(where, f"the licence ({LICENCE}) is not named in the paragraph and the first line")
        # Specification 1.5: sources in src/, which is all the IDE puts on the include path.
        if not self.exists(where, "src", "the src/ directory (1.5 layout)"):
            return
        for header in filter(None, (h.strip() for h in p.get("includes", "").split(","))):
            if self.exists(where, f"src/{header}", "the entry header"):
                # What the entry header includes must resolve from src/ itself.
                for inc in re.findall(r'^#include "([^"]+)"', (self.root / "src" / header).read_text(), re.M):
                    self.exists(f"src/{header}", str(pathlib.PurePosixPath("src", inc)), "the header")
        # Each example sketch sits in a folder of its own name, as the IDE wants.
        for ino in glob.glob(str(self.root / "examples" / "**" / "*.ino"), recursive=True):
            ino = pathlib.Path(ino)
            if ino.stem != ino.parent.name:
                self.problem(where, f"sketch {ino.relative_to(self.root)} is not in a folder named {ino.stem}")

    # ------------------------------------------------------------------------- ESP-IDF
    @staticmethod
    def yaml_scalars(text):
        """key: value pairs of a simple YAML file, nested keys joined with '.' (two-space indents)."""
        out = {}
        stack = []
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#") or line.lstrip().startswith("- "):
                continue
            indent = (len(line) - len(line.lstrip())) // 2
            key, sep, value = line.strip().partition(":")
            if not sep:
                continue
            stack = stack[:indent] + [key.strip()]
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            out[".".join(stack)] = value
        return out

    def idf_component(self, version, home):
        where = "idf_component.yml"
        path = self.root / where
        if not path.exists():
            return self.problem(where, "missing")
        self.checked.append(where)
        y = self.yaml_scalars(path.read_text())
        for key in ("version", "description", "url", "license"):
            if not y.get(key):
                self.problem(where, f"no {key}")
        if y.get("version") != version:
            self.problem(where, f"version {y.get('version')!r}, the project is {version}")
        if y.get("license") != LICENCE:
            self.problem(where, f"license {y.get('license')!r}, not {LICENCE}")
        if y.get("url") != home:
            self.problem(where, f"url {y.get('url')!r}, CMakeLists.txt says {home}")
        if "dependencies.idf" not in y:
            self.problem(where, "no dependencies.idf (the ESP-IDF versions it works with)")
        cmake = (self.root / "CMakeLists.txt").read_text()
        esp = cmake.find("if(ESP_PLATFORM)")
        project = cmake.find("\nproject(")
        if esp < 0 or project < 0 or esp > project:
            self.problem("CMakeLists.txt", "no if(ESP_PLATFORM) idf_component_register(...) return() before project()")
        else:
            block = cmake[esp:cmake.find("endif()", esp)]
            m = re.search(r'INCLUDE_DIRS\s+"([^"]+)"', block)
            if "idf_component_register" not in block or "return()" not in block or not m:
                self.problem("CMakeLists.txt", "the ESP_PLATFORM block must register INCLUDE_DIRS and return()")
            else:
                self.exists("CMakeLists.txt", m.group(1), "the component's include directory")

    # ------------------------------------------------------------------------- Zephyr
    def zephyr_module(self):
        where = "zephyr/module.yml"
        path = self.root / where
        if not path.exists():
            return
        self.checked.append(where)
        y = self.yaml_scalars(path.read_text())
        if y.get("name") != "mailwire":
            self.problem(where, f"name {y.get('name')!r}, not 'mailwire'")
        for key in ("build.cmake", "build.kconfig"):
            if not y.get(key):
                self.problem(where, f"no {key}")
            else:
                self.exists(where, y[key], key)

    # ------------------------------------------------------------------------- pkg-config
    def pkg_config(self):
        for template in sorted((self.root / "cmake" / "pkgconfig").glob("*.pc.in")):
            where = str(template.relative_to(self.root))
            self.checked.append(where)
            fields = {}
            for line in template.read_text().splitlines():
                m = re.match(r"^([A-Za-z.]+):\s*(.*)$", line)
                if m:
                    fields[m.group(1)] = m.group(2)
            for key in ("Name", "Description", "Version", "Cflags"):
                if key not in fields:
                    self.problem(where, f"no {key}")
            if fields.get("Version") != "@PROJECT_VERSION@":
                self.problem(where, "Version must be @PROJECT_VERSION@ (the project's)")
            if LICENCE not in fields.get("Description", ""):
                self.problem(where, f"the Description does not name the licence ({LICENCE})")


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    c = Checker(root)
    version = c.project_version()
    home = c.homepage()
    c.library_json(version, home)
    c.library_properties(version, home)
    c.idf_component(version, home)
    c.zephyr_module()
    c.pkg_config()
    for p in c.problems:
        print(p)
    if c.problems:
        print(f"check_manifests: {len(c.problems)} problem(s)")
        return 1
    print(f"check_manifests: mailwire {version}, {LICENCE}: {', '.join(c.checked)} agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
