#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every C source is laid out as .clang-format says (clang-format --dry-run --Werror).
# The check first proves it can fire: a copy of a source with its indentation broken
# must be refused. Usage: sh tests/format.sh FILE...
set -u
command -v clang-format > /dev/null || { echo "format: clang-format missing (apt-get install clang-format)"; exit 1; }
pass=0; fail=0
tmp=$(mktemp -d /tmp/hopformat-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp .clang-format "$tmp/"
sed 's/^  /     /' "$1" > "$tmp/bad.c"
if clang-format --dry-run --Werror "$tmp/bad.c" > /dev/null 2>&1; then fail=$((fail + 1)); echo "format: FAIL the check passes a badly indented file"
else pass=$((pass + 1)); fi
for f in "$@"; do
  if clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then pass=$((pass + 1))
  else fail=$((fail + 1)); echo "format: FAIL $f is not laid out as .clang-format says (make format)"; fi
done
echo "format: $pass passed, $fail failed"
[ $fail -eq 0 ]
