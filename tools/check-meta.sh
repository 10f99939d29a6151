#!/bin/sh
# Check META.json, the distribution's metadata for PGXN (Meta spec 1.0.0),
# since the spec's own validator is not packaged for Debian:
#   - it is valid JSON (python3 -m json.tool);
#   - it has the keys the spec requires (name, abstract, maintainer,
#     license, provides, meta-spec, version) in the forms the spec gives
#     (terms, semantic versions, a known license, version ranges);
#   - provides.cultuur.version is default_version of cultuur.control written
#     as a semantic version ('0.1' -> 0.1.0), and so is the distribution's
#     version;
#   - every provided file and docfile is in the repository, or is the
#     install script that make generates (DATA_built in the Makefile);
#   - debian/changelog, when present, carries default_version too.
# Usage: sh tools/check-meta.sh [META.json]   (exit 0 when it is OK)
set -eu
if [ $# -gt 0 ]; then
    meta=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
    meta=META.json
fi
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null 2>&1; then
    echo "check-meta: python3 is needed (apt-get install python3-minimal)" >&2
    exit 2
fi
if ! python3 -m json.tool "$meta" >/dev/null; then
    echo "$meta is not valid JSON" >&2
    exit 1
fi

python3 - "$meta" <<'EOF'
import json, os, re, sys

meta_path = sys.argv[1]
with open(meta_path, encoding="utf-8") as f:
    meta = json.load(f)
errors = []

def err(msg):
    errors.append(msg)

# Shapes of the spec's value types.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")
TERM = re.compile(r"^[^/\\\s\x00-\x1f\x7f]{2,}$")
RANGE_PART = re.compile(r"^((==|!=|<=|>=|<|>)\s*)?(\S+)$")
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd",
    "freebsd", "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3",
    "lgpl_2_1", "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1", "openssl",
    "perl_5", "postgresql", "qpl_1_0", "ssleay", "sun", "zlib",
    "open_source", "restricted", "unrestricted", "unknown",
}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}

def nonempty_string(v):
    return isinstance(v, str) and v != ""

def custom(key):
    return re.match(r"^[xX]_.", key) is not None

def version_range(v):
    if v == 0 or v == "0":
        return True
    if not isinstance(v, str):
        return False
    for part in v.split(","):
        m = RANGE_PART.match(part.strip())
        if not m or not (SEMVER.match(m.group(3)) or m.group(3) == "0"):
            return False
    return True

if not isinstance(meta, dict):
    print(f"{meta_path}: the top level is not an object", file=sys.stderr)
    sys.exit(1)

for key in ("name", "abstract", "maintainer", "license", "provides",
            "meta-spec", "version"):
    if key not in meta:
        err(f"required key '{key}' is missing")

if "name" in meta and not (isinstance(meta["name"], str) and TERM.match(meta["name"])):
    err("name must be a term (2 or more characters, no slash, backslash, space or control character)")
if "abstract" in meta and not nonempty_string(meta["abstract"]):
    err("abstract must be a non-empty string")
if "version" in meta and not (isinstance(meta["version"], str) and SEMVER.match(meta["version"])):
    err(f"version {meta['version']!r} is not a semantic version (like 0.1.0)")

m = meta.get("maintainer")
if m is not None and not (nonempty_string(m) or (
        isinstance(m, list) and m and all(nonempty_string(x) for x in m))):
    err("maintainer must be a string or a non-empty list of strings")

lic = meta.get("license")
if lic is not None:
    ok = (isinstance(lic, str) and lic in LICENSES) \
        or (isinstance(lic, list) and lic and all(x in LICENSES for x in lic)) \
        or (isinstance(lic, dict) and lic and all(nonempty_string(x) for x in lic.values()))
    if not ok:
        err(f"license {lic!r} is not a license keyword of the spec, a list of them, or an object of name: URI")

ms = meta.get("meta-spec")
if ms is not None:
    if not isinstance(ms, dict) or not re.match(r"^1\.0\.\d+$", str(ms.get("version", ""))):
        err("meta-spec must be an object whose version is 1.0.x")
    elif any(k not in ("version", "url") and not custom(k) for k in ms):
        err("meta-spec has keys other than version and url")

provides = meta.get("provides")
if provides is not None:
    if not isinstance(provides, dict) or not provides:
        err("provides must be an object naming at least one extension")
        provides = {}
    for ext, info in provides.items():
        if not TERM.match(ext):
            err(f"provides: '{ext}' is not a term")
        if not isinstance(info, dict):
            err(f"provides.{ext} must be an object")
            continue
        for k in ("file", "version"):
            if k not in info:
                err(f"provides.{ext}.{k} is missing")
        for k in info:
            if k not in ("file", "version", "abstract", "docfile") and not custom(k):
                err(f"provides.{ext} has an unknown key '{k}'")
        if "version" in info and not (isinstance(info["version"], str) and SEMVER.match(info["version"])):
            err(f"provides.{ext}.version {info['version']!r} is not a semantic version")

prereqs = meta.get("prereqs")
if prereqs is not None:
    if not isinstance(prereqs, dict) or not prereqs:
        err("prereqs must be a non-empty object")
    else:
        for phase, rels in prereqs.items():
            if phase not in PHASES and not custom(phase):
                err(f"prereqs: unknown phase '{phase}'")
                continue
            if not isinstance(rels, dict):
                err(f"prereqs.{phase} must be an object")
                continue
            for rel, reqs in rels.items():
                if rel not in RELATIONS and not custom(rel):
                    err(f"prereqs.{phase}: unknown relationship '{rel}'")
                    continue
                if not isinstance(reqs, dict) or not reqs:
                    err(f"prereqs.{phase}.{rel} must be a non-empty object")
                    continue
                for name, rng in reqs.items():
                    if not version_range(rng):
                        err(f"prereqs.{phase}.{rel}.{name}: {rng!r} is not a version range")

tags = meta.get("tags")
if tags is not None and not (isinstance(tags, list) and tags and all(
        isinstance(t, str) and 2 <= len(t) <= 255 and not re.search(r"[/\\\x00-\x1f\x7f]", t)
        for t in tags)):
    err("tags must be a non-empty list of strings of 2 to 255 characters without slash, backslash or control characters")

res = meta.get("resources")
if res is not None:
    if not isinstance(res, dict) or not res:
        err("resources must be a non-empty object")
    else:
        for k, v in res.items():
            if k == "homepage":
                if not nonempty_string(v):
                    err("resources.homepage must be a URI")
            elif k in ("bugtracker", "repository"):
                allowed = ("web", "mailto") if k == "bugtracker" else ("url", "web", "type")
                if not isinstance(v, dict) or not v or any(x not in allowed and not custom(x) for x in v):
                    err(f"resources.{k} must be an object with keys among {', '.join(allowed)}")
                elif k == "repository" and "url" in v and "type" not in v:
                    err("resources.repository: a url needs its type (git)")
            elif not custom(k):
                err(f"resources has an unknown key '{k}'")

ni = meta.get("no_index")
if ni is not None:
    if not isinstance(ni, dict) or not any(k in ni for k in ("file", "directory")) \
            or any(k not in ("file", "directory") and not custom(k) for k in ni):
        err("no_index must be an object with file and/or directory")

status = meta.get("release_status")
if status is not None and status not in ("stable", "testing", "unstable"):
    err("release_status must be stable, testing or unstable")

# cultuur's own rules: the versions agree with cultuur.control, and the
# files named exist (or are generated by make).
def control_value(key):
    with open("cultuur.control", encoding="utf-8") as f:
        for line in f:
            mm = re.match(r"^\s*" + key + r"\s*=\s*'?([^'#\s]*)'?", line)
            if mm:
                return mm.group(1)
    return None

default_version = control_value("default_version")
if default_version is None:
    err("cultuur.control has no default_version")
else:
    parts = default_version.split(".")
    semver = ".".join(parts + ["0"] * (3 - len(parts)))
    got = (provides or {}).get("cultuur", {}).get("version") if isinstance(provides, dict) else None
    if got is None:
        err("provides.cultuur is missing")
    elif got != semver:
        err(f"provides.cultuur.version is {got}, but default_version in cultuur.control is "
            f"'{default_version}' (as a semantic version: {semver})")
    if meta.get("version") != semver:
        err(f"version is {meta.get('version')}, expected {semver} (the extension version '{default_version}')")
    if os.path.exists("debian/changelog"):
        with open("debian/changelog", encoding="utf-8") as f:
            first = f.readline()
        mm = re.match(r"^\S+ \(([^)]+)\)", first)
        deb = mm.group(1) if mm else None
        upstream = re.sub(r"-[^-]*$", "", deb) if deb else None
        if upstream != default_version:
            err(f"debian/changelog is at version {deb}, but default_version is '{default_version}'")

generated = set()
with open("Makefile", encoding="utf-8") as f:
    for line in f:
        mm = re.match(r"^\s*DATA_built\s*[:+?]?=\s*(.*)$", line)
        if mm:
            generated.update(mm.group(1).split())
if isinstance(provides, dict):
    for ext, info in provides.items():
        if not isinstance(info, dict):
            continue
        for k in ("file", "docfile"):
            p = info.get(k)
            if p is None:
                continue
            if not nonempty_string(p) or p.startswith("/") or "\\" in p:
                err(f"provides.{ext}.{k} must be a relative path with '/' separators")
            elif not os.path.exists(p) and p not in generated:
                err(f"provides.{ext}.{k}: {p} is neither in the repository nor generated by make")

if errors:
    print(f"{meta_path} is invalid:", file=sys.stderr)
    for e in errors:
        print(f"  - {e}", file=sys.stderr)
    sys.exit(1)
print(f"{meta_path} is OK ({meta['name']} {meta['version']}, extension version {default_version})")
EOF
