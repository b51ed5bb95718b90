#!/usr/bin/env bash
# CI stage for the native `tensorflow` backend: runs `polytask native setup` (idempotent) so the
# agreement tests in test/backend/native-agreement.test.ts run on tensorflow. Skips, with the
# reason printed, when PyPI is unreachable or the machine lacks Python/a compiler; fails when
# the setup itself fails on a machine that has everything it needs.
# Usage: scripts/native/ci-setup.sh [--gpu] [--python PATH]      (POLYTASK_SKIP_NATIVE=1 skips)
set -uo pipefail
cd "$(dirname "$0")/../.."

skip() {
  echo "== native tensorflow: SKIPPED: $*"
  echo "   (the native agreement tests will be skipped too; the rest of polytask does not need it)"
  exit 0
}

echo "== native tensorflow backend (polytask native setup)"
[ "${POLYTASK_SKIP_NATIVE:-}" = 1 ] && skip "POLYTASK_SKIP_NATIVE=1"
py=""
for arg in "$@"; do [ "${prev:-}" = --python ] && py="$arg"; prev="$arg"; done
[ -z "$py" ] && py="$(command -v python3 || command -v python || true)"
[ -z "$py" ] && skip "no Python 3 on PATH (pass --python PATH)"
command -v "$py" >/dev/null 2>&1 || skip "Python $py not found"

dist=tensorflow-cpu
for arg in "$@"; do [ "$arg" = --gpu ] && dist=tensorflow; done
t0=$(date +%s)
probe="$(timeout 120 "$py" -m pip index versions "$dist" --disable-pip-version-check 2>&1)"
if ! grep -q "Available versions" <<<"$probe"; then
  if grep -qi "unknown command\|no such option" <<<"$probe"; then
    echo "   (this pip has no 'pip index'; trying the setup directly)"
  else
    skip "PyPI unreachable or no $dist wheel listed: $(tail -n 1 <<<"$probe")"
  fi
fi

log="$(mktemp)"
node --import tsx src/cli/bin.ts native setup "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "== native setup took $(( $(date +%s) - t0 )) s (exit $rc)"
if [ "$rc" -ne 0 ] && grep -q 'step "check tools"' "$log"; then
  rm -f "$log"
  skip "the machine lacks a prerequisite (see the message above)"
fi
rm -f "$log"
exit "$rc"
