#!/usr/bin/env bash
# Prepare this checkout to run the portal: Debian packages, .venv, the project installed into it.
#
#   scripts/setup.sh          what `make run` needs (Pango/HarfBuzz/fonts for PDFs)
#   scripts/setup.sh --test   plus chromium (browser tests) and poppler-utils (pdftoppm, PDF tests)
#
# Idempotent and quick when nothing changed: packages are installed only when missing, the project is
# (re)installed only when pyproject.toml is newer than .venv/.installed.
set -euo pipefail

cd "$(dirname "$0")/.."

RUNTIME_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
TEST_PACKAGES=(chromium poppler-utils)
VENV=.venv
STAMP=$VENV/.installed

want_test_packages=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test_packages=1 ;;
    *) echo "usage: $0 [--test]" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Install the Debian packages in "$@" that are missing. `apt-get update` only when the install fails
# (a fresh machine has no package lists yet; a warm one should not pay for a refresh on every run).
install_missing_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: not a Debian-like system (no apt-get); make sure these are installed: $*" >&2
    return 0
  fi
  local missing=()
  local package
  for package in "$@"; do
    package_installed "$package" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: these Debian packages are missing and sudo is not available: ${missing[*]}" >&2
      echo "       install them as root: apt-get install ${missing[*]}" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  say "Installing Debian packages: ${missing[*]}"
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends)
  if ! "${apt[@]}" "${missing[@]}"; then
    say "apt-get install failed; refreshing the package lists and trying again"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${apt[@]}" "${missing[@]}"
  fi
}

# Python 3.11: the PYTHON variable if given, else python3.11, else python3 when it is 3.11.
pick_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: Python 3.11 is required (python3.11, or python3 being 3.11; Debian 12's python3 is)." >&2
  echo "       Set PYTHON=/path/to/python3.11 to choose one." >&2
  return 1
}

packages=("${RUNTIME_PACKAGES[@]}")
[ "$want_test_packages" -eq 1 ] && packages+=("${TEST_PACKAGES[@]}")
install_missing_packages "${packages[@]}"

if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  say "$VENV is broken (its Python is gone); recreating it"
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  python=$(pick_python)
  # Debian ships venv's pip bootstrap (ensurepip) separately, in python3-venv.
  if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    install_missing_packages python3-venv
  fi
  say "Creating $VENV with $python ($("$python" --version 2>&1))"
  "$python" -m venv "$VENV"
fi

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  say "Installing the project into $VENV (pip install -e '.[dev]')"
  "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
  touch "$STAMP"
fi
