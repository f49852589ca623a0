# SPDX-License-Identifier: GPL-3.0-or-later
# At the largest N and exact starts: retrieved fraction for every overlap threshold,
# and the mean final overlap (which stays near 0.97 up to alpha_c). Reads retrieval.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,500 font ",11"
set output out
set datafile separator ","
f = dir."/retrieval.csv"
nmax = system("tail -n +2 ".f." | cut -d, -f1 | sort -un | tail -1") + 0
header = system("head -1 ".f)
ncol = words(system("head -1 ".f." | tr ',' ' '"))
nthr = (ncol - 10) / 2
set xlabel "load {/Symbol a} = P/N"
set ylabel "fraction retrieved / mean overlap"
set yrange [-0.02:1.02]
set key bottom left
set grid
set title sprintf("N = %d, starts at the stored patterns; %s", nmax, sprintf("trials per N: max(%s, %s / N)", opt("min-trials"), opt("budget")))
set arrow 1 from 0.138, graph 0 to 0.138, graph 1 nohead dt 2 lc rgb "gray40"
plot for [k = 0:nthr-1] f using (($1 == nmax && $4 == 0) ? $2 : 1/0):(column(7 + 2*k)) \
       with linespoints pointtype 7 pointsize 0.5 \
       title "overlap >= ".system("head -1 ".f." | cut -d, -f".(7 + 2*k)." | sed 's/frac_m//'"), \
     f using (($1 == nmax && $4 == 0) ? $2 : 1/0):(column(ncol - 3)):(column(ncol - 2)) \
       with yerrorlines lc rgb "black" dt 3 pointtype 6 title "mean final overlap"
