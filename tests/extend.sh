#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The extension path (README, "Adding an experiment"): in a temporary copy of the tree,
# the template experiment is copied under a new name with its figure script and smoke
# headers, and plain `make` must build it, run it, draw its figure and collect its claim
# rows, with no Makefile edit; its paper section (the template's, renamed) must render. Usage: sh tests/extend.sh BUILD_DIR (bin, or bin/san when
# make runs with SANITIZE=1, which reaches the inner make through MAKEFLAGS).
set -u
build=${1:-bin}
tmp=$(mktemp -d /tmp/hopextend-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "extend: FAIL $*"; }

cp -R Makefile lib experiments tests paper "$tmp"/
mkdir -p "$tmp/data" "$tmp/results"
[ -d bin ] && cp -Rp bin "$tmp"/    # reuse the library's objects: only the new program is built
touch "$tmp/data/provenance.txt"    # results depend on it; the new experiment reads no data
sed 's/example/student/g' experiments/example.c > "$tmp/experiments/student.c"
cp experiments/example.recall.gp "$tmp/experiments/student.recall.gp"
sed 's/example/student/g' tests/smoke/example.headers > "$tmp/tests/smoke/student.headers"
sed 's/example/student/g' paper/sections/80-example.md > "$tmp/paper/sections/81-student.md"

if make -C "$tmp" -s results/student/recall.png THREADS=2 > "$tmp/log" 2>&1; then ok
else bad "make results/student/recall.png failed:"; tail -5 "$tmp/log"; fi
[ -x "$tmp/$build/student" ] && ok || bad "$build/student was not built"
[ -s "$tmp/results/student/manifest.txt" ] && ok || bad "no results/student/manifest.txt"
head -c 8 "$tmp/results/student/recall.png" 2>/dev/null | od -An -c | grep -q 'P   N   G' && ok \
  || bad "results/student/recall.png is not a PNG"
grep -q '^student,E1,' "$tmp/results/student/claims.csv" 2>/dev/null && ok || bad "no claim row student,E1"
make -C "$tmp" -n results/claims.csv 2>/dev/null | grep -q 'results/student/claims.csv\|student;' && ok \
  || bad "results/claims.csv would not collect the new experiment"
# the new section renders from the new results: every directive expanded, the claim's value in it
if (cd "$tmp" && awk -f paper/csv.awk -f paper/render.awk paper/sections/81-student.md > student.md 2> student.err) \
   && ! grep -q '{{' "$tmp/student.md" && grep -q "$(cut -d, -f3 "$tmp/results/student/recall.csv" | sed -n 3p)" "$tmp/student.md" \
   && grep -q 'results/student/recall.png' "$tmp/student.md"; then ok
else bad "the paper section of the new experiment does not render: $(cat "$tmp/student.err" 2>/dev/null)"; fi
if (cd "$tmp" && sh tests/smoke.sh "$build" student > log.smoke 2>&1); then ok
else bad "the smoke test of the new experiment failed:"; tail -5 "$tmp/log.smoke"; fi
echo "extend: $pass passed, $fail failed"
[ $fail -eq 0 ]
