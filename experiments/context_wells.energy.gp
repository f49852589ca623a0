# SPDX-License-Identifier: GPL-3.0-or-later
# Energy against iteration for each head: E(t) - E(60) on a log scale, three starts per
# head on the same 16 random unit keys (d = 8, beta = 4). Reads energy.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,500 font ",11"
set output out
set datafile separator ","
set xlabel "iteration t"
set ylabel "E(t) - E(60)"
set logscale y
set format y "10^{%L}"
set yrange [1e-16:*]
set key top right
set grid
set title sprintf("Energy descent of the update, linear and non-linear heads (3 starts each; %s keys in d = %s)", opt("keys"), opt("dim"))
heads = "linear poly spline rbf"
plot for [k = 1:4] dir."/energy.csv" using (strcol(1) eq word(heads, k) ? $3 : 1/0):($5 > 0 ? $5 : 1/0) skip 1 \
     with linespoints lc k pointtype 7 pointsize 0.4 title word(heads, k)
