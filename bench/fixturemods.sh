#!/usr/bin/env bash
# Lays the repository's held-out Go fixtures out as Go modules in OUT, so
# that `dockguard check` can type-check them (bench/gomode.sh compares the
# typed and syntax modes on them):
#   OUT/analyzers  the analyzers' testdata/src (GOPATH layout, with stub SDK
#                  packages) plus internal/labelled's Go set as the module
#                  "labelled": one module per import-path root, tied
#                  together by a go.work, so every import resolves to the
#                  stubs;
#   OUT/gocheck-*  each gocheck/testdata/*.txtar archive that holds a go.mod;
#   OUT/gomod, OUT/gofix  the real-SDK fixture modules (module cache).
# Usage: bench/fixturemods.sh OUT
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/fixturemods.sh OUT}
mkdir -p "$out"
ws=$out/analyzers
rm -rf "$ws"
cp -r "$repo/analyzers/testdata/src" "$ws"
cp -r "$repo/internal/labelled/testdata/go" "$ws/labelled"
chmod -R u+w "$ws"
# modroot DIR: the module path a package folder belongs to.
modroot() {
  awk -F/ '{
    if ($1 == "github.com") { r = $1 "/" $2 "/" $3; if ($4 ~ /^v[0-9]+$/) r = r "/" $4 }
    else if ($1 == "golang.org") r = $1 "/" $2 "/" $3
    else if ($1 ~ /\./) { r = $1 "/" $2; if ($3 ~ /^v[0-9]+$/) r = r "/" $3 }
    else r = $1
    print r
  }' <<<"$1"
}
mapfile -t roots < <(cd "$ws" && find . -name '*.go' -printf '%h\n' | sed 's|^\./||' | sort -u | while read -r d; do modroot "$d"; done | sort -u)
{
  echo "go 1.26"
  echo
  for r in "${roots[@]}"; do echo "use ./$r"; done
} >"$ws/go.work"
for r in "${roots[@]}"; do printf 'module %s\n\ngo 1.26\n' "$r" >"$ws/$r/go.mod"; done
for a in "$repo"/gocheck/testdata/*.txtar; do
  grep -q '^-- go.mod --$' "$a" || continue
  d=$out/gocheck-$(basename "$a" .txtar)
  rm -rf "$d"; mkdir -p "$d"
  (cd "$repo" && go run github.com/rogpeppe/go-internal/cmd/txtar-x -C "$d" "$a")
done
for m in gomod gofix; do
  rm -rf "${out:?}/$m"; cp -r "$repo/testdata/$m" "$out/$m"; chmod -R u+w "$out/$m"
  (cd "$out/$m" && go mod download)
done
echo "fixtures: ${#roots[@]} modules in $ws; $(ls -d "$out"/gocheck-* | wc -l) gocheck archives; gomod, gofix" >&2
