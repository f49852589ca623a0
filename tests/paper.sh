#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The paper's figure numbering (paper/render.awk): captions numbered in order over all
# sections in one run, references before or after their caption, and errors for an
# unknown or twice-defined label. Usage: sh tests/paper.sh
set -u
tmp=$(mktemp -d /tmp/hoppaper-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "paper: FAIL $*"; }
render() { awk -f paper/csv.awk -f paper/render.awk "$@"; }

printf 'As {{ref b}} shows.\n{{figure a}} First.\n' > "$tmp/1.md"
printf '{{figures b c}} Two.\nSee {{ref a}} and {{ref c}}.\n' > "$tmp/2.md"
out=$(render "$tmp/1.md" "$tmp/2.md" 2>&1)
want='As Figure 2 shows.
*Figure 1.* First.

*Figures 2–3.* Two.
See Figure 1 and Figure 3.
'
[ "$out" = "$(printf '%s' "$want")" ] && ok || bad "numbering: got [$out]"
printf 'See {{ref nowhere}}.\n' > "$tmp/3.md"
render "$tmp/2.md" "$tmp/1.md" "$tmp/3.md" > /dev/null 2> "$tmp/err" && bad "an unknown label was accepted" || {
  grep -q "nowhere" "$tmp/err" && ok || bad "unknown label: $(cat "$tmp/err")"; }
printf '{{figure a}} Again.\n' > "$tmp/4.md"
render "$tmp/1.md" "$tmp/4.md" > /dev/null 2> "$tmp/err" && bad "a twice-defined label was accepted" || {
  grep -q "defined twice" "$tmp/err" && ok || bad "twice-defined label: $(cat "$tmp/err")"; }
# every caption of the real paper is a directive: no hand-typed figure number remains
if grep -n '^\*Figures\? [0-9]' paper/sections/*.md; then bad "hand-numbered captions above"; else ok; fi
echo "paper: $pass passed, $fail failed"
[ $fail -eq 0 ]
