#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The library's layout rules (lib/README.md), as checks that cannot pass vacuously:
#  1. no two headers under lib/ share a name (they are included flat, one -I per room);
#  2. nothing outside lib/run/ prints, exits or opens a file for writing.
# Each check first proves it can fire: it must find headers at all, and its pattern
# must match the printing and writing calls that lib/run/ does contain.
set -u
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "layout: FAIL $*"; }

headers=$(find lib -name '*.h' | sort)
n=$(printf '%s\n' "$headers" | grep -c '\.h$')
[ "$n" -ge 10 ] && ok || bad "found only $n headers under lib/"
dups=$(printf '%s\n' "$headers" | sed 's|.*/||' | sort | uniq -d)
[ -z "$dups" ] && ok || bad "header names used twice: $dups"
stray=$(find lib -mindepth 1 -maxdepth 1 -name '*.[ch]')
[ -z "$stray" ] && ok || bad "sources outside the four rooms: $stray"

# Calls that print, exit or open for writing (comments are stripped first).
pat='\b(printf|fprintf|vfprintf|puts|fputs|fputc|putchar|perror|exit|_Exit|abort|fwrite|popen)[[:space:]]*\(|fopen[[:space:]]*\([^;]*"[wa+]|gzopen[[:space:]]*\([^;]*"[wa]|\bopen[[:space:]]*\([^;]*O_(WRONLY|RDWR|CREAT)|\b(rename|remove|unlink|mkdir)[[:space:]]*\('
strip() { sed -e 's|/\*.*\*/||g' -e '/\/\*/,/\*\//d' -e 's|//.*||' "$1"; }
in_run=0
for f in lib/run/*.c; do strip "$f" | grep -Eq "$pat" && in_run=$((in_run + 1)); done
[ "$in_run" -ge 3 ] && ok || bad "the pattern matches only $in_run files of lib/run/: it cannot be trusted"
for f in $(find lib -name '*.c' ! -path 'lib/run/*' | sort); do
  hits=$(strip "$f" | grep -En "$pat")
  [ -z "$hits" ] && ok || bad "$f prints, exits or writes (only lib/run/ may): $hits"
done

# 3. The licence: LICENSE holds the GPL version 3 text, and every source file names its
#    licence by an SPDX line (the list must be long enough to mean something).
grep -q 'GNU GENERAL PUBLIC LICENSE' LICENSE 2>/dev/null && grep -q 'Version 3, 29 June 2007' LICENSE && ok \
  || bad "LICENSE is missing or is not the GPL version 3 text"
srcs=$(find lib experiments tests data paper -type f \( -name '*.[ch]' -o -name '*.gp' -o -name '*.gpi' \
        -o -name '*.sh' -o -name '*.awk' -o -name '*.py' \) | sort; echo Makefile; echo .ci/run)
ns=$(printf '%s\n' "$srcs" | grep -c .)
[ "$ns" -ge 100 ] && ok || bad "found only $ns source files to check for an SPDX line"
for f in $srcs; do
  head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later' && ok || bad "$f has no SPDX line in its first 3 lines"
done

# 4. lib/README.md's "used by" column names exactly the experiments whose source includes
#    the header ("all experiments": every one); other words in it (the frame, bench) are
#    not checked. The comparison first proves it can fire on a row that is wrong.
exps=$(ls experiments/*.c | sed 's|.*/||; s|\.c$||' | sort)
named() { # named CELL: the experiments a used-by cell names, sorted
  case "$1" in *"all experiments"*) printf '%s\n' "$exps"; return;; esac
  for e in $exps; do printf '%s\n' "$1" | grep -qw "$e" && echo "$e"; done
}
includers() { grep -l "#include \"$1\"" experiments/*.c 2>/dev/null | sed 's|.*/||; s|\.c$||' | sort; }
[ "$(named "capacity" | tr '\n' ' ')" != "$(includers hop_dam.h | tr '\n' ' ')" ] && ok \
  || bad "the used-by comparison cannot tell capacity from capacity_dense"
rows=0
while IFS='|' read -r _ h _ used _; do
  h=$(printf '%s' "$h" | tr -d ' `')
  case "$h" in hop_*.h) ;; *) continue;; esac
  rows=$((rows + 1))
  want=$(includers "$h" | tr '\n' ' '); got=$(named "$used" | tr '\n' ' ')
  [ "$want" = "$got" ] && ok || bad "lib/README.md: $h used by '$got', but included by '$want'"
done < lib/README.md
n=$(find lib -name '*.h' | wc -l)
[ "$rows" -eq "$n" ] && ok || bad "lib/README.md has $rows header rows for $n headers"
echo "layout: $pass passed, $fail failed"
[ $fail -eq 0 ]
