#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Plan past this machine, on paper: from the manifests of full runs (their "stage seconds:"
# line) and the jobs.txt beside each (every job's seconds, lib/run/hop_exp.c; without it,
# the manifest's line per stage: n jobs, their total and the longest), simulate the MPI dispatcher (lib/run/hop_jobs.c)
# at K ranks of the recorded threads each, and print the predicted wall time per
# experiment at K = 1, 2, 8, 64 and 512, at the default scale and, bracketed, at --scale
# paper.
#
# The model. A stage's time outside its job batches (stage seconds minus the batches' wall
# time) runs on every rank and does not shrink with K. A batch's jobs go, in push order,
# `threads` at a time, to whichever rank is free first (rank 0 computes too); a rank's
# batch takes as long as its longest job (its threads run the jobs side by side); every
# hand-out costs LATENCY seconds (default 0.00001: twice the 3-6 us round trip `make
# bench` measured between two ranks on one idle host; a network between hosts adds its own).
# At K = 1 (one process, no MPI) the threads take the jobs one at a time instead.
# Sending the records back and to every rank is not counted. The paper scale is not run:
# its work ratio to the default (the programs' own --estimate, in core-hours) r brackets it
# between "more jobs" (each batch's job list repeated r times) and "longer jobs" (every
# job r times as long); the time outside jobs is taken r times as long in both.
#
# Usage: sh paper/scaling.sh [-b BIN_DIR] MANIFEST...   (BIN_DIR for the paper ratios)
set -eu
bin=""
if [ "${1:-}" = "-b" ]; then bin=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: sh paper/scaling.sh [-b BIN_DIR] MANIFEST..." >&2; exit 2; }
LATENCY=${LATENCY:-0.00001}
core_hours() { sed -n 's/.*(\([0-9.e+-]*\) core-hours).*/\1/p' | head -1; }
printf '| experiment | scale | K = 1 | 2 | 8 | 64 | 512 | outside jobs | longest job |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for m in "$@"; do
  name=$(sed -n 's/^experiment: //p' "$m")
  ratio=""
  if [ -n "$bin" ] && [ -x "$bin/$name" ]; then
    d=$("$bin/$name" --estimate 2>&1 | core_hours)
    p=$("$bin/$name" --scale paper --estimate 2>&1 | core_hours)
    [ -n "$d" ] && [ -n "$p" ] && ratio=$(awk -v d="$d" -v p="$p" 'BEGIN { printf "%.4g", p / d }')
  fi
  awk -v name="$name" -v ratio="$ratio" -v lat="$LATENCY" '
    function fmt(s) {
      if (s < 120) return sprintf("%.0f s", s)
      if (s < 7200) return sprintf("%.0f min", s / 60)
      if (s < 172800) return sprintf("%.1f h", s / 3600)
      return sprintf("%.1f days", s / 86400)
    }
    # one process: its threads take the jobs one at a time, in push order (OpenMP dynamic)
    function one(b, reps, stretch,   free, r, i, best, n, total, end) {
      n = nj[b]; total = n * reps
      for (r = 0; r < bt[b]; r++) free[r] = 0
      for (i = 0; i < total; i++) {
        best = 0
        for (r = 1; r < bt[b]; r++) if (free[r] < free[best]) best = r
        free[best] += dur[b, i % n + 1] * stretch
      }
      end = 0
      for (r = 0; r < bt[b]; r++) if (free[r] > end) end = free[r]
      return end
    }
    # the dispatcher: K ranks, batches of t jobs of durations d[1..n] (times stretch). The
    # ranks are alike, so only their free times matter: a min-heap h[1..K] of them, the
    # first free rank at its top takes the next hand-out.
    function sim(b, K, reps, stretch,   h, r, i, j, take, mx, n, total, end, c, x) {
      if (K == 1) return one(b, reps, stretch)
      n = nj[b]; total = n * reps
      for (r = 1; r <= K; r++) h[r] = 0
      i = 0
      while (i < total) {
        take = bt[b]; if (take > total - i) take = total - i
        mx = 0
        for (j = 0; j < take; j++) { x = dur[b, (i + j) % n + 1] * stretch; if (x > mx) mx = x }
        h[1] += mx + lat
        r = 1 # sift the new free time down
        while (2 * r <= K) {
          c = 2 * r; if (c < K && h[c + 1] < h[c]) c++
          if (h[c] >= h[r]) break
          x = h[c]; h[c] = h[r]; h[r] = x; r = c
        }
        i += take
      }
      end = 0
      for (r = 1; r <= K; r++) if (h[r] > end) end = h[r]
      return end
    }
    /^stage seconds: / {
      sub(/^stage seconds: /, ""); ns = split($0, parts, "; ")
      for (k = 1; k <= ns; k++) {
        p = parts[k]; c = match(p, /: [0-9.]+$/)
        sname = substr(p, 1, c - 1); secs[sname] = substr(p, c + 2) + 0; order[++nstage] = sname
      }
    }
    /^threads: / { threads = $2 + 0 }
    /^jobs: .*batches=/ { # a manifest summary: the longest job, the others equal
      if (FILENAME ~ /jobs.txt$/ || have_jobs) next
      nb++; split($0, f, "; ")
      st = f[1]; sub(/^jobs: stage=/, "", st); bs[nb] = st
      n = f[3]; sub(/^n=/, "", n); nj[nb] = n + 0
      w = f[4]; sub(/^wall=/, "", w); inside[st] += w + 0
      t = f[5]; sub(/^seconds=/, "", t); l = f[6]; sub(/^longest=/, "", l); l += 0
      bt[nb] = threads > 0 ? threads : 1; longest[nb] = l; dur[nb, 1] = l
      for (j = 2; j <= nj[nb]; j++) dur[nb, j] = (t - l) / (nj[nb] - 1)
      next
    }
    FILENAME ~ /jobs.txt$/ && FNR == 1 { have_jobs = 1 }
    /^jobs: / {
      nb++; split($0, f, "; ")
      st = f[1]; sub(/^jobs: stage=/, "", st); bs[nb] = st
      n = f[2]; sub(/^n=/, "", n); nj[nb] = n + 0
      w = f[3]; sub(/^wall=/, "", w); wall[nb] = w + 0; inside[st] += w
      t = f[4]; sub(/^threads=/, "", t); bt[nb] = t + 0
      s = f[5]; sub(/^seconds=/, "", s); split(s, ds, ",")
      longest[nb] = 0
      for (j = 1; j <= nj[nb]; j++) { dur[nb, j] = ds[j] + 0; if (ds[j] + 0 > longest[nb]) longest[nb] = ds[j] + 0 }
    }
    END {
      if (!nstage) { printf "| %s | (no stage seconds in its manifest) |\n", name; exit }
      outside = 0; total1 = 0
      for (k = 1; k <= nstage; k++) { o = secs[order[k]] - inside[order[k]]; if (o > 0) outside += o; total1 += secs[order[k]] }
      longmax = 0; for (b = 1; b <= nb; b++) if (longest[b] > longmax) longmax = longest[b]
      split("1 2 8 64 512", Ks, " ")
      for (sc = 0; sc < (ratio != "" && ratio + 0 != 1 ? 3 : 1); sc++) {
        r = sc == 0 ? 1 : ratio + 0
        line = sprintf("| %s | %s |", name, sc == 0 ? "default" : sc == 1 ? "paper, more jobs" : "paper, longer jobs")
        for (q = 1; q <= 5; q++) {
          t = outside * r
          for (b = 1; b <= nb; b++)
            t += sc == 2 ? sim(b, Ks[q], 1, r) : sim(b, Ks[q], sc == 1 ? (r > 1 ? int(r + 0.5) : 1) : 1, 1)
          line = line sprintf(" %s |", fmt(t))
        }
        line = line sprintf(" %.0f %% |", total1 > 0 ? 100 * outside / total1 : 0)
        line = line sprintf(" %s |", fmt(longmax * (sc == 2 ? r : 1)))
        print line
      }
    }' $(j="$(dirname "$m")/jobs.txt"; [ -f "$j" ] && echo "$j") "$m"
done
