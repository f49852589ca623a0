#!/bin/sh
# Build the paper: concatenate paper/sections/*.md in order and expand their
# directives (paper/render.awk) from results/ and data/. Run from the repository root
# by `make paper`; writes Markdown to standard output.
set -eu
cd "$(dirname "$0")/.."
for s in paper/sections/*.md; do
  awk -f paper/csv.awk -f paper/render.awk "$s"
  echo
done
