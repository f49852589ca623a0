# SPDX-License-Identifier: GPL-3.0-or-later
# Exact-recall fraction (test draws) vs beta per similarity, P = 100, one panel per colour
# and corruption; the students' L1 score sits beside the UHN family. Reads beta_sweep.csv.
set terminal pngcairo size 1500,800 font ",10"
set output out
set datafile separator ","
f = dir."/beta_sweep.csv"
corrs = system("tail -n +2 ".f." | cut -d, -f2 | awk '!s[$0]++' | tr '\\n' ' '")
sims = system("tail -n +2 ".f." | cut -d, -f3 | awk '!s[$0]++' | tr '\\n' ' '")
set multiplot layout 2,words(corrs)
set logscale x
set format x "10^{%L}"
set yrange [-0.02:1.05]
set xlabel "{/Symbol b}"
set ylabel "exact recall (test draws)"
set key bottom right font ",8"
set grid
do for [col in "rgb gray"] {
  do for [c in corrs] {
    set title sprintf("%s, %s", col, c)
    plot for [s in sims] f using ((strcol(1) eq col && strcol(2) eq c && strcol(3) eq s) ? $4 : 1/0):6:7 \
         with yerrorlines pointsize 0.5 title s
  }
}
unset multiplot
