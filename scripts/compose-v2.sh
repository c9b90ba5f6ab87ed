#!/usr/bin/env bash
# Installs Docker Compose v2 (the Go `docker compose` CLI plugin) on Debian
# bookworm, where the only packaged compose is docker-compose 1.29.2 (Python).
#
# Debian trixie packages compose v2 as `docker-compose` 2.x: a Go binary whose
# only shared library is libc (it needs GLIBC_2.34; bookworm has 2.36). This
# script downloads that .deb with apt from the mirror the system's bookworm
# sources already use, through a temporary sources list and state folder (the
# system's lists and installed packages are left alone), and copies only the
# plugin binary to $PLUGIN_DIR/docker-compose. The package itself is not
# installed: its /usr/bin/docker-compose would replace 1.29.2's.
#
# Both the docker CLI of Debian's docker.io (20.10) and newer ones look for
# plugins in /usr/local/lib/docker/cli-plugins, the default $PLUGIN_DIR.
#
# Usage: scripts/compose-v2.sh   (as root; prints the installed version)
set -euo pipefail
PLUGIN_DIR=${PLUGIN_DIR:-/usr/local/lib/docker/cli-plugins}
SUITE=${COMPOSE_V2_SUITE:-trixie}

# The mirror of the system's own bookworm main sources.
mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Codename: bookworm' 'Identifier: Packages' 'Component: main' | head -n1)
if [ -z "$mirror" ]; then
  echo "compose-v2.sh: no bookworm main source in the system's apt sources" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/deb"
# apt downloads as its unprivileged user where it can write.
chmod 755 "$tmp"
if id _apt >/dev/null 2>&1; then chown _apt "$tmp/deb"; fi
echo "deb $mirror $SUITE main" >"$tmp/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache"
  -o Dir::State::Status=/dev/null
  # Only the Packages index is needed: no translations, no AppStream data.
  -o Acquire::Languages=none
  -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false
  -o Acquire::IndexTargets::deb::CNF::DefaultEnabled=false
)
apt-get "${apt_opts[@]}" -qq update
(cd "$tmp/deb" && apt-get "${apt_opts[@]}" -qq download "docker-compose/$SUITE")
deb=$(ls "$tmp"/deb/docker-compose_2.*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
  echo "compose-v2.sh: $SUITE has no docker-compose 2.x: $(ls "$tmp/deb")" >&2
  exit 1
fi
dpkg-deb -x "$deb" "$tmp/x"
install -D -m 0755 "$tmp/x/usr/libexec/docker/cli-plugins/docker-compose" "$PLUGIN_DIR/docker-compose"
"$PLUGIN_DIR/docker-compose" version
