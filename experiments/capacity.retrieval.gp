# SPDX-License-Identifier: GPL-3.0-or-later
# Retrieval fraction vs load alpha = P/N, one curve per N, primary threshold (first
# frac_m column), starts without and with flipped bits. Reads retrieval.csv.
# Run by make: gnuplot -e "dir='results/capacity'; out='...png'" experiments/capacity.retrieval.gp
load "experiments/common.gpi"
set terminal pngcairo size 1200,500 font ",11"
set output out
set datafile separator ","
f = dir."/retrieval.csv"
sizes = system("tail -n +2 ".f." | cut -d, -f1 | sort -un | tr '\\n' ' '")
flips = system("tail -n +2 ".f." | cut -d, -f4 | sort -u | tr '\\n' ' '")
thr = system("head -1 ".f." | cut -d, -f7 | sed 's/frac_m//'")
set multiplot layout 1,words(flips) title sprintf("Classical network: retrieval vs load, mean and standard error over trials; %s", sprintf("trials per N: max(%s, %s / N)", opt("min-trials"), opt("budget")))
set xlabel "load {/Symbol a} = P/N"
set ylabel sprintf("fraction retrieved (overlap >= %s)", thr)
set yrange [-0.02:1.02]
set key bottom left
set arrow 1 from 0.138, graph 0 to 0.138, graph 1 nohead dt 2 lc rgb "gray40"
set label 1 "0.138" at 0.139, graph 0.95 textcolor rgb "gray40"
set grid
do for [fl in flips] {
  set title sprintf("starts with %g of the bits flipped", fl + 0)
  plot for [n in sizes] f using (($1 == n + 0 && $4 == fl + 0) ? $2 : 1/0):7:8 \
       with yerrorlines pointtype 7 pointsize 0.5 title "N = ".n
}
unset multiplot
