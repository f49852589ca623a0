# SPDX-License-Identifier: GPL-3.0-or-later
# Mean squared error (0..255 scale, test draws) vs beta per similarity, P = 100, one
# panel per colour and corruption; MSE below 0.01 is drawn at 0.01. Reads beta_sweep.csv.
set terminal pngcairo size 1500,860 font ",10"
set output out
f = dir."/beta_sweep.csv"
what = "mean squared error of the recall (0..255 scale, test draws; below 0.01 drawn at 0.01) vs beta, P = 100 stored images;"
load "experiments/cifar_recall_panels.gpi"
set logscale xy
set format x "10^{%L}"
set xlabel "{/Symbol b}"
set ylabel "MSE (test draws)"
do for [row = 0:1] {
  col = word("rgb gray", row + 1)
  do for [k = 1:nc] {
    c = word(corrs, k)
    set origin panel_x(k), panel_y(row)
    set size 1.0 / nc, 0.4
    set title sprintf("%s, %s", col, c)
    plot for [i = 1:ns] f using ((strcol(1) eq col && strcol(2) eq c && strcol(3) eq word(sims, i) && strcol(5) eq "test") ? $4 : 1/0):($9 > 0.01 ? $9 : 0.01) \
         with linespoints dashtype i pointtype (i + 3) pointsize 0.7 linewidth 1.4 title word(sims, i)
  }
}
eval key_strip
