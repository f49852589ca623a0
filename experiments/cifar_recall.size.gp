# SPDX-License-Identifier: GPL-3.0-or-later
# Exact recall vs the number P of stored images, each similarity at its validated beta,
# one panel per colour and corruption. Reads accuracy_vs_p.csv.
set terminal pngcairo size 1500,800 font ",10"
set output out
set datafile separator ","
f = dir."/accuracy_vs_p.csv"
corrs = system("tail -n +2 ".f." | cut -d, -f2 | awk '!s[$0]++' | tr '\\n' ' '")
sims = system("tail -n +2 ".f." | cut -d, -f3 | awk '!s[$0]++' | tr '\\n' ' '")
set multiplot layout 2,words(corrs)
set logscale x
set yrange [-0.02:1.05]
set xlabel "stored images P"
set ylabel "exact recall"
set key bottom left font ",8"
set grid
do for [col in "rgb gray"] {
  do for [c in corrs] {
    set title sprintf("%s, %s", col, c)
    plot for [s in sims] f using ((strcol(1) eq col && strcol(2) eq c && strcol(3) eq s) ? $5 : 1/0):6:7 \
         with yerrorlines pointsize 0.6 title s
  }
}
unset multiplot
