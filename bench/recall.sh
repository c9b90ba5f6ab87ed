#!/usr/bin/env bash
# Real-world recall: run dockguard check on whole public repositories, as
# published on the Go module proxy (their source from the module cache),
# with two dockguard builds, and print the findings per rule and the DG001
# count of each, before and after.
#
# Usage: bench/recall.sh BEFORE_REV [AFTER_REV]
#   BEFORE_REV, AFTER_REV: git revisions of this repository (AFTER_REV
#   defaults to the work tree). Each is built into a temporary directory.
# The module list is below; go mod download fetches what the cache lacks.
# Every finding that differs is listed, to be read by hand.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
before=${1:?usage: bench/recall.sh BEFORE_REV [AFTER_REV]}
after=${2:-}
modules=(
  github.com/docker/cli@v28.2.2+incompatible
  github.com/docker/docker@v28.2.2+incompatible
  github.com/moby/moby/v2@v2.0.0-beta.24
  github.com/hashicorp/nomad@v1.10.5
  sigs.k8s.io/kind@v0.29.0
  github.com/testcontainers/testcontainers-go@v0.37.0
  github.com/magefile/mage@v1.15.0
  gotest.tools/v3@v3.5.2
)

work=$(mktemp -d -t dockguard-recall.XXXXXX)
trap 'rm -rf "$work"' EXIT
log() { printf 'recall.sh: %s\n' "$*" >&2; }

build() { # build REV OUT
  if [ -z "$1" ]; then
    (cd "$repo" && go build -o "$2" ./cmd/dockguard)
    return
  fi
  git -C "$repo" worktree add --detach -q "$work/src-$1" "$1"
  (cd "$work/src-$1" && go build -o "$2" ./cmd/dockguard)
  git -C "$repo" worktree remove --force "$work/src-$1"
}
build "$before" "$work/before"
build "$after" "$work/after"

dir_of() { GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)",/\1/p'; }

summarise() { # summarise JSON -> "files findings rule=n ..."
  python3 - "$1" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
c = collections.Counter(f["rule"] for f in d["findings"])
print(d["summary"]["filesScanned"], len(d["findings"]), " ".join(f"{k}={v}" for k, v in sorted(c.items())))
PY
}

printf '| repository | files | before: findings (by rule) | after: findings (by rule) |\n|---|---|---|---|\n'
for m in "${modules[@]}"; do
  dir=$(dir_of "$m")
  for which in before after; do
    (cd "$dir" && "$work/$which" check --no-config --format json -o "$work/$which.json" . 2>/dev/null) || true
  done
  read -r files nb rb <<<"$(summarise "$work/before.json")"
  read -r _ na ra <<<"$(summarise "$work/after.json")"
  printf '| %s | %s | %s (%s) | %s (%s) |\n' "$m" "$files" "$nb" "$rb" "$na" "$ra"
  python3 - "$work/before.json" "$work/after.json" "$m" <<'PY' >&2
import json, sys
def keyed(p):
    return {(f["file"], f["line"], f["rule"]): f["message"] for f in json.load(open(p))["findings"]}
b, a = keyed(sys.argv[1]), keyed(sys.argv[2])
for k in sorted(set(a) - set(b)):
    print(f"  + {sys.argv[3]} {k[0]}:{k[1]} {k[2]} {a[k][:140]}")
for k in sorted(set(b) - set(a)):
    print(f"  - {sys.argv[3]} {k[0]}:{k[1]} {k[2]} {b[k][:140]}")
PY
done
