#!/usr/bin/env bash
# Run the test suite once on SQLite and once on PostgreSQL, then print a summary.
#
#   scripts/run-tests.sh [PYTEST ARGS...]        (what `make test` calls, after scripts/setup.sh --test)
#
# PostgreSQL: the server at PORTAL_TEST_DATABASE_URL when set, else one answering on 127.0.0.1:5432.
# The tests create their own database on it and drop it at the end. Without a server the PostgreSQL
# suite is skipped, except with CI=true, where that is a failure.
# TEST_ENGINES="sqlite" (or "postgres") runs only that suite.
set -uo pipefail

cd "$(dirname "$0")/.."

PYTEST=.venv/bin/pytest
PYTHON=.venv/bin/python
ENGINES=${TEST_ENGINES:-sqlite postgres}

case "${CI:-}" in
  true | TRUE | True | 1 | yes) CI=true ;;
  *) CI=${CI:-} ;;
esac
export CI # the tests read it: with CI=true a missing chromium fails instead of skipping

if [ ! -x "$PYTEST" ]; then
  echo "error: $PYTEST is missing; run scripts/setup.sh --test (or make test)" >&2
  exit 1
fi

color_args=()
[ -t 1 ] && color_args=(--color=yes)

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

declare -A result=()
failed=0

# run_suite ENGINE TITLE [PYTEST ARGS...]
run_suite() {
  local engine=$1 title=$2
  shift 2
  local log="$logs/$engine.log" started rc line seconds
  echo
  echo "=== $title suite ==="
  started=$(date +%s)
  PORTAL_TEST_ENGINE=$engine "$PYTEST" "${color_args[@]}" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  seconds=$(($(date +%s) - started))
  # pytest's closing line, e.g. "==== 41 passed, 2 skipped in 12.34s ====" (rulers gone with -q),
  # without colors and rulers.
  line=$(sed -e 's/\x1b\[[0-9;]*m//g' "$log" |
    grep -E '^(=+ )?([0-9]+ [a-z]+|no tests ran).* in [0-9.]+s( \([0-9:]+\))?( =+)?$' | tail -n 1 |
    sed -E -e 's/^=+ //' -e 's/ =+$//')
  case "$rc" in
    0) result[$engine]="passed (${line:-no summary}; ${seconds}s)" ;;
    5) result[$engine]="FAILED: no tests ran (pytest exit 5)"; failed=1 ;;
    *) result[$engine]="FAILED (pytest exit $rc: ${line:-see the output above}; ${seconds}s)"; failed=1 ;;
  esac
}

postgres_answers() {
  "$PYTHON" - <<'EOF'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
except OSError:
    sys.exit(1)
EOF
}

for engine in $ENGINES; do
  case "$engine" in
    sqlite)
      run_suite sqlite SQLite "$@"
      ;;
    postgres)
      if [ -n "${PORTAL_TEST_DATABASE_URL:-}" ] || postgres_answers; then
        run_suite postgres PostgreSQL "$@"
      elif [ "$CI" = true ]; then
        echo
        echo "=== PostgreSQL suite ==="
        echo "ERROR: PostgreSQL suite required with CI=true, but no server answers on 127.0.0.1:5432"
        echo "       and PORTAL_TEST_DATABASE_URL is not set."
        result[postgres]="FAILED: no PostgreSQL server (CI=true requires one)"
        failed=1
      else
        echo
        echo "=== PostgreSQL suite ==="
        echo "PostgreSQL suite skipped: no server on 127.0.0.1:5432 and PORTAL_TEST_DATABASE_URL is not set."
        result[postgres]="skipped: no server"
      fi
      ;;
    *)
      echo "error: unknown engine in TEST_ENGINES: $engine (use sqlite and/or postgres)" >&2
      exit 2
      ;;
  esac
done

echo
echo "=== Summary ==="
for engine in $ENGINES; do
  case "$engine" in
    sqlite) printf '  %-18s %s\n' "SQLite suite:" "${result[sqlite]}" ;;
    postgres) printf '  %-18s %s\n' "PostgreSQL suite:" "${result[postgres]}" ;;
  esac
done
if [ "$failed" -ne 0 ]; then
  echo "Tests FAILED."
  exit 1
fi
echo "Tests passed."
