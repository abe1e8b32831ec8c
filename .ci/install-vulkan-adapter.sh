#!/usr/bin/env bash
# Installs the Vulkan software adapter the webgpu tests run on: Mesa 25's lavapipe. Debian bookworm's own
# Mesa (22.3) is rejected by Dawn, so it comes from the release's backports suite, which is added from
# the machine's own apt sources (same mirror, same signing key), never from a host named here.
# Idempotent: does nothing when a new enough mesa-vulkan-drivers is installed.
# APT_ROOT (default /) lets a test run the source detection against a copy of /etc/apt.
set -euo pipefail

APT_ROOT="${APT_ROOT:-/}"
APT_DIR="${APT_ROOT%/}/etc/apt"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

installed_major() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/' || true
}

# The release codename: from os-release, else the first plain suite in the sources.
codename() {
  local name=""
  [ -r "${APT_ROOT%/}/etc/os-release" ] && name="$(. "${APT_ROOT%/}/etc/os-release" && echo "${VERSION_CODENAME:-}")"
  echo "$name"
}

# "URI<TAB>Signed-By" of the source that serves the release itself (deb822 first, then one-line format).
release_source() {
  local release="$1"
  if compgen -G "$APT_DIR/sources.list.d/*.sources" >/dev/null; then
    awk -v rel="$release" '
      function flush() {
        if (uris != "" && types ~ /(^| )deb( |$)/) {
          n = split(suites, s, " ");
          for (i = 1; i <= n; i++) if (s[i] == rel) { print uris "\t" signed; found = 1; exit }
        }
        uris = ""; suites = ""; signed = ""; types = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "types:" { $1 = ""; types = substr($0, 2) }
      tolower($1) == "uris:" { uris = $2 }
      tolower($1) == "suites:" { $1 = ""; suites = substr($0, 2) }
      tolower($1) == "signed-by:" { signed = $2 }
      END { if (!found) flush() }
    ' "$APT_DIR"/sources.list.d/*.sources | head -n 1
  fi
  if [ -r "$APT_DIR/sources.list" ]; then
    # deb [options] URI suite components...
    awk -v rel="$release" '
      $1 == "deb" {
        i = 2; opts = "";
        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
        if ($(i + 1) == rel) {
          signed = "";
          if (match(opts, /signed-by=[^] ]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10);
          print $i "\t" signed; exit
        }
      }' "$APT_DIR/sources.list"
  fi
}

has_suite() {
  grep -rqsE "(^|[[:space:]])$1([[:space:]]|$)" "$APT_DIR/sources.list" "$APT_DIR"/sources.list.d/ 2>/dev/null
}

add_backports() {
  local release="$1" backports="$1-backports"
  if has_suite "$backports"; then
    echo "apt sources already have $backports"
    return
  fi
  local line uri signed
  line="$(release_source "$release" | head -n 1)"
  uri="${line%%$'\t'*}"
  signed="${line#*$'\t'}"
  [ "$line" = "$signed" ] && signed=""
  if [ -z "$uri" ]; then
    echo "cannot find the apt source for $release to derive $backports from" >&2
    return 1
  fi
  local file="$APT_DIR/sources.list.d/raptr-$backports.sources"
  echo "adding $backports from $uri ($file)"
  {
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: $backports"
    echo "Components: main"
    [ -n "$signed" ] && echo "Signed-By: $signed"
  } | $SUDO tee "$file" >/dev/null
}

if [ "${1:-}" = "--add-source-only" ]; then
  # For tests (with APT_ROOT): add the backports source, install nothing.
  add_backports "$(codename)"
  exit 0
fi

major="$(installed_major)"
if [ -n "$major" ] && [ "$major" -ge 25 ]; then
  echo "mesa-vulkan-drivers $major.x is installed (lavapipe works with Dawn)"
  exit 0
fi
release="$(codename)"
if [ -z "$release" ]; then
  echo "not a Debian-style system: install a Vulkan driver (Mesa 25+ lavapipe for tests) by hand" >&2
  exit 1
fi
add_backports "$release"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  -t "$release-backports" mesa-vulkan-drivers >/dev/null
echo "installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
