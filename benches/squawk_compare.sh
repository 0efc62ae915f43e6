#!/usr/bin/env bash
# Lint throughput of `data lint` and squawk on the same generated corpus of migration files,
# in one run: writes the corpus to a temp folder, times both tools over all files, prints both
# times and the ratio. Usage: benches/squawk_compare.sh [FILES] (default 1000).
# Needs: cargo (builds data in release), python3 + pip (installs squawk-cli when missing).
set -euo pipefail
N="${1:-1000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

cd "$ROOT"
cargo build --release -q -p data-cli
cargo bench -q -p data-benches --bench lint -- --write "$TMP/corpus" "$N" 2>/dev/null
DATA="$CARGO_TARGET_DIR/release/data"

if ! command -v squawk >/dev/null 2>&1; then
  pip install -q squawk-cli >/dev/null 2>&1 || pip install -q --break-system-packages squawk-cli >/dev/null
fi
SQUAWK="$(command -v squawk)"

files=("$TMP"/corpus/*.sql)
stmts=$(cat "${files[@]}" | grep -o ';' | wc -l)
time_it() { # prints seconds taken by "$@" (exit code ignored: both tools exit 1 on findings)
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# Warm the page cache, then measure each tool three times and keep the best.
cat "${files[@]}" >/dev/null
best() { local b=""; for _ in 1 2 3; do t=$(time_it "$@"); if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi; done; echo "$b"; }
t_data=$(best "$DATA" lint "${files[@]}")
t_squawk=$(best "$SQUAWK" "${files[@]}")
printf 'corpus: %s files, %s statements\n' "${#files[@]}" "$stmts"
printf 'data lint: %.3f s (%s)\n' "$t_data" "$("$DATA" --version)"
printf 'squawk:    %.3f s (%s)\n' "$t_squawk" "$("$SQUAWK" --version 2>&1 | head -1)"
printf 'ratio squawk/data: %.2f (above 1: data is faster)\n' "$(echo "$t_squawk / $t_data" | bc -l)"
