#!/usr/bin/env bash
# Build a golangci-lint binary that includes dockguard's module plugin with
# `golangci-lint custom`, without access to GitHub, and check that the
# binary reports dockguard findings on the fixture module in testdata/gomod.
#
# `golangci-lint custom` clones https://github.com/golangci/golangci-lint.git
# at the configured version. Only the Go module proxy is needed here: the
# same source is taken from the Go module cache, committed to a local git
# repository tagged with the version, cloned bare, and the builder's clone is
# redirected to it through GIT_CONFIG_COUNT/KEY/VALUE, which the builder
# passes through to git. No git configuration file is touched.
#
# Usage: scripts/golangci-custom.sh [VERSION]   (default: GOLANGCI_LINT_VERSION from the Makefile)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-$(sed -n 's/^GOLANGCI_LINT_VERSION := //p' "$repo/Makefile")}
version=${version:-v2.15.0}
module=github.com/golangci/golangci-lint/v2

work=$(mktemp -d -t dockguard-gcl.XXXXXX)
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

log() { printf 'golangci-custom: %s\n' "$*" >&2; }

# 1. The golangci-lint source at $version, from the module proxy / cache.
dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  log "could not download $module@$version"
  exit 1
fi
log "source of $module@$version: module cache"

# 2. A local repository holding that source, tagged with the version, and a
#    bare clone of it to stand in for GitHub.
cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"
git -C "$work/src" init -q
git -C "$work/src" add -A
git -C "$work/src" -c user.name=dockguard -c user.email=dockguard@localhost \
  -c commit.gpgsign=false commit -q -m "golangci-lint $version from the Go module cache"
git -C "$work/src" -c tag.gpgsign=false tag "$version"
git clone -q --bare "$work/src" "$work/golangci-lint.git"

# 3. Redirect the builder's clone through the environment only.
export GIT_CONFIG_COUNT=1
export GIT_CONFIG_KEY_0="url.file://$work/golangci-lint.git.insteadOf"
export GIT_CONFIG_VALUE_0="https://github.com/golangci/golangci-lint.git"

# 4. The builder itself: the pinned golangci-lint.
if command -v golangci-lint >/dev/null 2>&1 && golangci-lint version 2>/dev/null | grep -q "version ${version#v} "; then
  gcl=(golangci-lint)
else
  gcl=(go run "$module/cmd/golangci-lint@$version")
fi

mkdir -p "$work/build" "$work/bin"
cat > "$work/build/.custom-gcl.yml" <<YAML
version: $version
name: custom-gcl
destination: $work/bin
plugins:
  - module: github.com/dockguard/dockguard
    import: github.com/dockguard/dockguard/golangciplugin
    path: $repo
YAML
log "building custom-gcl with the dockguard plugin"
(cd "$work/build" && "${gcl[@]}" custom)
test -x "$work/bin/custom-gcl"

# 5. The custom binary must report on the fixture.
cat > "$work/golangci.yml" <<'YAML'
version: "2"
run:
  relative-path-mode: wd
linters:
  default: none
  enable:
    - dockguard
  settings:
    custom:
      dockguard:
        type: module
        description: Docker force removals, kills, fan-out and memory limits
        settings:
          parallel-limit: 3
          # The repository's .dockguard.yaml leaves its testdata out, as
          # it does for check; the fixture is read without it.
          no-config: true
YAML
log "running custom-gcl on testdata/gomod"
(cd "$repo/testdata/gomod" && go mod download)
set +e
out=$(cd "$repo/testdata/gomod" && "$work/bin/custom-gcl" run --config "$work/golangci.yml" --output.text.path stdout ./... 2>&1)
status=$?
set -e
printf '%s\n' "$out"
if [ "$status" -ne 1 ]; then
  log "expected exit status 1 (issues found), got $status"
  exit 1
fi
for want in \
  '^newsdk/newsdk.go:14:12: forceremove: ContainerRemove with Force: true.*(DG101)' \
  '^cleanup/cleanup.go:24:13: forceremove: .*(DG105)' \
  '^cleanup/cleanup.go:33:15: memlimit: .*(DG301)' \
  '^cleanup/cleanup.go:42:9: killcontainer: .*(DG104)'; do
  if ! grep -q -- "$want" <<<"$out"; then
    log "missing from the custom binary's report: $want"
    exit 1
  fi
done
log "ok: golangci-lint $version with the dockguard plugin reports on the fixture"
