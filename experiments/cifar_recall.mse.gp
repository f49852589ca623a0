# SPDX-License-Identifier: GPL-3.0-or-later
# Mean squared error (0..255 scale, test draws) vs beta per similarity, P = 100. Reads
# beta_sweep.csv.
set terminal pngcairo size 1500,800 font ",10"
set output out
set datafile separator ","
f = dir."/beta_sweep.csv"
corrs = system("tail -n +2 ".f." | cut -d, -f2 | awk '!s[$0]++' | tr '\\n' ' '")
sims = system("tail -n +2 ".f." | cut -d, -f3 | awk '!s[$0]++' | tr '\\n' ' '")
set multiplot layout 2,words(corrs)
set logscale xy
set format x "10^{%L}"
set xlabel "{/Symbol b}"
set ylabel "MSE (test draws)"
set key bottom left font ",8"
set grid
do for [col in "rgb gray"] {
  do for [c in corrs] {
    set title sprintf("%s, %s", col, c)
    plot for [s in sims] f using ((strcol(1) eq col && strcol(2) eq c && strcol(3) eq s) ? $4 : 1/0):($9 > 0.01 ? $9 : 0.01) \
         with linespoints pointsize 0.5 title s
  }
}
unset multiplot
