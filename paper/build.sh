#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the paper: concatenate paper/sections/*.md in order and expand their
# directives (paper/render.awk) from results/ and data/. Run from the repository root
# by `make paper`; writes Markdown to standard output.
set -eu
cd "$(dirname "$0")/.."
# The paper reports full runs only: refuse results written by a --quick run.
for m in results/*/manifest.txt; do
  if grep -qx "quick: yes" "$m"; then
    echo "paper: $m is from a --quick run; remove it and run make reproduce" >&2
    exit 1
  fi
done
# One awk run over every section, so that figures are numbered across the paper.
awk -f paper/csv.awk -f paper/render.awk paper/sections/*.md
