# SPDX-License-Identifier: GPL-3.0-or-later
# Energy traces from one start under asynchronous (per update) and synchronous (per
# step) dynamics, below and above capacity; L is the two-step synchronous function.
# Reads energy_traces.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,500 font ",11"
set output out
set datafile separator ","
f = dir."/energy_traces.csv"
alphas = system("tail -n +2 ".f." | cut -d, -f1 | sort -u | tr '\\n' ' '")
set multiplot layout 1,words(alphas) title sprintf("Energy traces of one start, N = %s, %s of the bits flipped", opt("trace-n"), opt("trace-flip"))
set xlabel "time (sweeps for async, steps for sync)"
set ylabel "energy"
set grid
set key top right
do for [a in alphas] {
  set title sprintf("{/Symbol a} = %s", a)
  plot f using (($1 == a + 0 && strcol(2) eq "async") ? $3 : 1/0):4 with lines lw 2 title "E, asynchronous", \
       f using (($1 == a + 0 && strcol(2) eq "sync") ? $3 : 1/0):4 with linespoints pointtype 7 pointsize 0.6 title "E, synchronous", \
       f using (($1 == a + 0 && strcol(2) eq "sync_L") ? $3 : 1/0):4 with linespoints dt 2 pointtype 6 pointsize 0.6 title "L, synchronous"
}
unset multiplot
