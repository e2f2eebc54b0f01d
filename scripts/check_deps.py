#!/usr/bin/env python3
"""Fails when a target includes a header of a library it does not link.

Every target exports the repository root as its include directory, so the
compiler accepts any project include from anywhere; this check holds the
libraries to the dependency direction their CMake declares.

Input: the map CMake writes at configure time (cmake/TokenfabDependencyMap.cmake:
each target's sources and headers, what it links, what it passes on to its
users). Who owns a header, first rule that applies:
  1. the target that lists it among its sources (tokenfab_library HDRS);
  2. the target that compiles the .cc/.cpp of the same folder and stem;
  3. the one library that compiles sources in the header's folder (or, when no
     library does, the one target of any kind that does).
A header that no rule gives exactly one owner is an error.

A target may include headers it owns and those of every target it links,
followed through what those pass on (PUBLIC/INTERFACE, not PRIVATE). The same
holds for the headers of the imported targets the map lists (<systemc> needs a
link to SystemC::systemc). Every
source and header of every target is checked, tests included, each against
its own target. An include resolves as the compiler would: next to the
includer for "...", then from the root; includes outside the tree are ignored.

  python3 scripts/check_deps.py --map build/tokenfab_targets.json --root .
"""

import argparse
import json
import os
import re
import sys
from collections import defaultdict

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCE_SUFFIXES = (".cc", ".cpp", ".cxx")
HEADER_SUFFIXES = (".h", ".hh", ".hpp")
LIBRARY_TYPES = {"STATIC_LIBRARY", "SHARED_LIBRARY", "MODULE_LIBRARY", "OBJECT_LIBRARY"}


def find_owners(targets, root):
    """Map every project header in a target's folder or sources to its owner;
    return (owners, errors)."""
    listed = defaultdict(set)       # header -> targets listing it
    by_stem = defaultdict(set)      # folder/stem -> targets compiling it
    by_folder = defaultdict(set)    # folder -> targets compiling in it
    headers = set()
    for name, target in targets.items():
        for path in target["sources"]:
            stem, suffix = os.path.splitext(path)
            if suffix in HEADER_SUFFIXES:
                listed[path].add(name)
                headers.add(path)
            elif suffix in SOURCE_SUFFIXES:
                by_stem[stem].add(name)
                by_folder[os.path.dirname(path)].add(name)
    for folder in by_folder:
        directory = os.path.join(root, folder)
        for entry in sorted(os.listdir(directory)):
            if entry.endswith(HEADER_SUFFIXES):
                headers.add(os.path.join(folder, entry) if folder else entry)
    return headers, listed, by_stem, by_folder


def owner_of(header, targets, listed, by_stem, by_folder):
    """(owner, None) or (None, reason)."""
    for candidates, rule in ((listed.get(header, set()), "list it"),
                             (by_stem.get(os.path.splitext(header)[0], set()), "compile its .cc")):
        if len(candidates) == 1:
            return next(iter(candidates)), None
        if len(candidates) > 1:
            names = ", ".join(sorted(targets[t]["name"] for t in candidates))
            return None, f"is owned by more than one target ({rule}: {names})"
    in_folder = by_folder.get(os.path.dirname(header), set())
    libraries = {t for t in in_folder if targets[t]["type"] in LIBRARY_TYPES}
    candidates = libraries or in_folder
    if len(candidates) == 1:
        return next(iter(candidates)), None
    if not candidates:
        return None, "belongs to no target (list it in HDRS of the tokenfab_library that owns it)"
    names = ", ".join(sorted(targets[t]["name"] for t in candidates))
    return None, (f"belongs to no one target: {names} compile sources in its folder "
                  "(list it in HDRS of the tokenfab_library that owns it)")


def allowed_targets(name, targets):
    """The target itself, what it links (PRIVATE, PUBLIC or INTERFACE: a
    header-only library links only the last), and what those pass on."""
    allowed = {name}
    pending = targets[name]["links"] + targets[name]["interface_links"]
    while pending:
        current = pending.pop()
        if current in allowed:
            continue
        allowed.add(current)
        if current in targets:  # an imported target passes on nothing we follow
            pending.extend(targets[current]["interface_links"])
    return allowed


def includes(root, path):
    """(line number, text as written, project path or None) of each include."""
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            bracket, name = match.groups()
            candidates = [os.path.join(os.path.dirname(path), name)] if bracket == '"' else []
            candidates.append(name)
            resolved = None
            for candidate in candidates:
                candidate = os.path.normpath(candidate)
                if not candidate.startswith("..") and os.path.isfile(os.path.join(root, candidate)):
                    resolved = candidate
                    break
            written = f'"{name}"' if bracket == '"' else f"<{name}>"
            yield number, written, name, resolved


def external_owners(name, external_headers):
    """The imported targets that provide the header <name>."""
    return sorted(target for target, headers in external_headers.items()
                  if any(name == header or (header.endswith("/") and name.startswith(header))
                         for header in headers))


def check(targets, root, external_headers):
    """Every error message, sorted."""
    headers, listed, by_stem, by_folder = find_owners(targets, root)
    owners = {}
    errors = set()

    def owner(header):
        if header not in owners:
            owners[header], reason = owner_of(header, targets, listed, by_stem, by_folder)
            if reason:
                errors.add(f"{header}: {reason}")
        return owners[header]

    for header in headers:
        owner(header)
    files = defaultdict(set)  # file -> targets it is checked for
    for name, target in targets.items():
        for path in target["sources"]:
            files[path].add(name)
    for header in headers:
        if owner(header):
            files[header].add(owner(header))
    checked = set()
    allowed = {}
    while files:
        path, users = files.popitem()
        checked.add(path)
        for user in users:
            if user not in allowed:
                allowed[user] = allowed_targets(user, targets)
            for line, written, name, included in includes(root, path):
                if included is None:
                    providers = external_owners(name, external_headers)
                    if providers and not allowed[user].intersection(providers):
                        errors.add(f"{path}:{line}: includes {written} ({', '.join(providers)}), "
                                   f"but {targets[user]['name']} does not link it")
                    continue
                if not included.endswith(HEADER_SUFFIXES):
                    continue
                included_owner = owner(included)
                if included not in checked and included not in files and included_owner:
                    files[included].add(included_owner)
                if included_owner and included_owner not in allowed[user]:
                    errors.add(f"{path}:{line}: includes {included} ({targets[included_owner]['name']}), "
                               f"but {targets[user]['name']} does not link it")
    return sorted(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--map", required=True, help="the JSON CMake writes (tokenfab_targets.json)")
    parser.add_argument("--root", required=True, help="the source root the map's paths are relative to")
    parser.add_argument("--owners", action="store_true", help="print each header's owner and exit")
    args = parser.parse_args()
    with open(args.map, encoding="utf-8") as stream:
        project = json.load(stream)
    targets = project["targets"]
    if args.owners:
        headers, listed, by_stem, by_folder = find_owners(targets, args.root)
        for header in sorted(headers):
            found, reason = owner_of(header, targets, listed, by_stem, by_folder)
            print(f"{header}: {targets[found]['name'] if found else reason}")
        return 0
    errors = check(targets, args.root, project.get("external_headers", {}))
    for error in errors:
        print(f"error: {error}")
    if errors:
        print(f"check_deps: {len(errors)} error(s): an include must name a header of the includer's own "
              "target or of one it links (see docs/architecture.md)")
        return 1
    sources = sum(len(t["sources"]) for t in targets.values())
    print(f"check_deps: {len(targets)} targets, {sources} sources: every include follows a link")
    return 0


if __name__ == "__main__":
    sys.exit(main())
