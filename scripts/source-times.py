#!/usr/bin/env python3
"""Lets a fresh clone reuse the shared build cache (CI: .ci/run).

Cargo decides a crate is out of date when a source file is newer than its last build, and a
fresh clone makes every file new, so every workspace crate would rebuild although nothing
changed. Before a build this gives each tracked file whose content (git's blob id) is the
same as at the previous build the modification time it had then, and records the blob ids
and times of this build. The record is written before the build starts, so a build that
fails half-way never lets a later clone take its half-made output as current: a file whose
content differs from the last attempt keeps its new time and its crate rebuilds.

Only on a clean tree (the blob ids in git's index are then the files' contents); anything
else is left alone. Usage: source-times.py RECORD_FILE
"""
import os
import subprocess
import sys


def tracked():
    """{path: blob id} for every tracked file, from the index."""
    out = subprocess.run(["git", "ls-files", "-s", "-z"], check=True, capture_output=True).stdout
    files = {}
    for entry in out.split(b"\0"):
        if entry:
            meta, path = entry.split(b"\t", 1)
            files[path.decode()] = meta.split()[1].decode()
    return files


def main(record):
    dirty = subprocess.run(["git", "status", "--porcelain"], check=True, capture_output=True).stdout
    if dirty.strip():
        print("source-times: the tree has changes, so every file keeps its own time")
        return
    files = tracked()
    before = {}
    if os.path.exists(record):
        with open(record) as f:
            for line in f:
                blob, ns, path = line.rstrip("\n").split(" ", 2)
                before[path] = (blob, int(ns))
    kept = 0
    for path, blob in files.items():
        old = before.get(path)
        if old and old[0] == blob and os.path.isfile(path) and not os.path.islink(path):
            os.utime(path, ns=(old[1], old[1]))
            kept += 1
    os.makedirs(os.path.dirname(record) or ".", exist_ok=True)
    tmp = record + ".tmp"
    with open(tmp, "w") as f:
        for path, blob in files.items():
            if os.path.isfile(path) and not os.path.islink(path):
                f.write(f"{blob} {os.stat(path).st_mtime_ns} {path}\n")
    os.replace(tmp, record)
    print(f"source-times: {kept} of {len(files)} files unchanged since the last build keep its times")


if __name__ == "__main__":
    main(sys.argv[1])
