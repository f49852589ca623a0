# SPDX-License-Identifier: GPL-3.0-or-later
# Exact recall vs the number P of stored images, each similarity at its validated beta,
# one panel per colour and corruption. Reads accuracy_vs_p.csv. Curves that coincide
# (several similarities at 1.0) stay distinguishable: dashes, point types and a small
# horizontal offset per similarity; the key sits below the panels.
set terminal pngcairo size 1500,860 font ",10"
set output out
f = dir."/accuracy_vs_p.csv"
what = "exact recall vs stored images P, each similarity at its beta chosen on validation draws\n(fewer queries when P is smaller); points at 1.0 coincide and are offset sideways to stay visible;"
load "experiments/cifar_recall_panels.gpi"
set logscale x
set xrange [12:80000]
set yrange [-0.04:1.08]
set xlabel "stored images P"
set ylabel "exact recall"
dodge(i) = 1.08**(i - (ns + 1) / 2.0) # 8 % per similarity on the log axis
do for [row = 0:1] {
  col = word("rgb gray", row + 1)
  do for [k = 1:nc] {
    c = word(corrs, k)
    set origin panel_x(k), panel_y(row)
    set size 1.0 / nc, 0.4
    set title sprintf("%s, %s", col, c)
    plot for [i = 1:ns] f using ((strcol(1) eq col && strcol(2) eq c && strcol(3) eq word(sims, i)) ? $5 * dodge(i) : 1/0):6:7 \
         with yerrorlines dashtype i pointtype (i + 3) pointsize 0.9 linewidth 1.4 title word(sims, i)
  }
}
eval key_strip
