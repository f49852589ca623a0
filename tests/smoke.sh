#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Smoke tests of every experiment program: `--quick` run, CSV headers and claims rows,
# determinism (same seed and threads: byte-identical CSVs; across thread counts where
# tests/smoke/NAME.thread-invariant says so), --help and a bad option (exit 2, nothing
# written), and an experiment's own bad-input cases (tests/smoke/NAME.bad). Usage: sh tests/smoke.sh BUILD_DIR EXPERIMENT...
# Expected headers: tests/smoke/NAME.headers ("file: header" per line).
set -u
build=$1; shift
tmp=$(mktemp -d /tmp/hopsmoke-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "smoke: FAIL $*"; }

for e in "$@"; do
  bin=$build/$e
  # 1. --help prints the defaults, exit 0
  if "$bin" --help > "$tmp/help" 2>&1 && grep -q -- "--seed N" "$tmp/help" && grep -q "\[" "$tmp/help"; then ok
  else bad "$e --help"; fi
  # 2. a bad option: exit 2, one line naming it, nothing written
  "$bin" --out "$tmp/bad" --no-such-option > "$tmp/err" 2>&1; rc=$?
  if [ $rc -eq 2 ] && grep -q "no-such-option" "$tmp/err" && [ ! -e "$tmp/bad" ]; then ok
  else bad "$e: a bad option gave exit $rc: $(cat "$tmp/err")"; fi
  # 3. quick run
  start=$(date +%s)
  if "$bin" --quick --seed 7 --threads 2 --out "$tmp/a" > "$tmp/log" 2>&1; then ok
  else bad "$e --quick failed:"; tail -5 "$tmp/log"; continue; fi
  secs=$(( $(date +%s) - start ))
  # 4. headers as expected, at least one data row, no temporaries left
  hdrs=tests/smoke/$e.headers
  if [ ! -f "$hdrs" ]; then bad "$e: no $hdrs"; else
    while IFS= read -r line; do
      f=${line%%: *}; want=${line#*: }
      if [ ! -s "$tmp/a/$f" ]; then bad "$e: $f missing or empty"; continue; fi
      got=$(head -1 "$tmp/a/$f")
      rows=$(($(wc -l < "$tmp/a/$f") - 1))
      if [ "$got" = "$want" ] && [ $rows -ge 1 ]; then ok
      else bad "$e: $f header '$got' (want '$want'), $rows rows"; fi
    done < "$hdrs"
  fi
  if ls -A "$tmp/a" | grep -q '\.tmp$'; then bad "$e: temporary files left"; else ok; fi
  [ -s "$tmp/a/manifest.txt" ] && grep -q "^seed: 7$" "$tmp/a/manifest.txt" && ok || bad "$e: manifest.txt"
  # 5. claims rows: 7 fields, experiment name, a valid verdict
  if awk -f paper/csv.awk -f tests/claims_check.awk -v experiment="$e" "$tmp/a/claims.csv" > "$tmp/claims.err" 2>&1
  then ok; else bad "$e claims.csv: $(cat "$tmp/claims.err")"; fi
  # 6. determinism: same seed and thread count, byte-identical CSVs; experiments whose
  #    arithmetic is exact whatever the thread count (tests/smoke/NAME.thread-invariant)
  #    are rerun on one thread instead
  threads=2
  [ -f "tests/smoke/$e.thread-invariant" ] && threads=1
  "$bin" --quick --seed 7 --threads $threads --out "$tmp/b" > /dev/null 2>&1
  same=1
  for f in "$tmp"/a/*.csv; do cmp -s "$f" "$tmp/b/$(basename "$f")" || { same=0; bad "$e: $(basename "$f") differs between runs"; }; done
  [ $same -eq 1 ] && ok
  echo "smoke: $e --quick ran in ${secs}s"
  # 7. the experiment's own bad-input cases (tests/smoke/NAME.bad, a shell fragment that
  #    may use $bin, $tmp, the quick run in $tmp/a, and ok / bad)
  [ -f "tests/smoke/$e.bad" ] && . "tests/smoke/$e.bad"
  rm -rf "$tmp/a" "$tmp/b"
done
echo "smoke: $pass passed, $fail failed"
[ $fail -eq 0 ]
