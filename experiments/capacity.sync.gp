# SPDX-License-Identifier: GPL-3.0-or-later
# Synchronous vs asynchronous: fraction of synchronous runs ending in a 2-cycle and
# fraction in which the energy rose, per N and load. Reads sync.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,500 font ",11"
set output out
set datafile separator ","
f = dir."/sync.csv"
sizes = system("tail -n +2 ".f." | cut -d, -f1 | sort -un | tr '\\n' ' '")
flips = system("tail -n +2 ".f." | cut -d, -f4 | sort -u | tr '\\n' ' '")
set multiplot layout 1,2 title sprintf("Synchronous updates (at most %s steps); %s", opt("sync-max-steps"), sprintf("trials per N: max(%s, %s / N)", opt("min-trials"), opt("budget")))
set xlabel "load {/Symbol a} = P/N"
set yrange [-0.02:1.02]
set grid
set key top left
set title "synchronous runs ending in a 2-cycle"
set ylabel "fraction of runs"
plot for [n in sizes] for [fl in flips] f using (($1 == n + 0 && $4 == fl + 0) ? $2 : 1/0):7 \
     with linespoints dashtype int(fl + 0 > 0 ? 2 : 1) pointsize 0.5 title sprintf("N = %s, flip %g", n, fl + 0)
set title "synchronous runs in which E rose (async: never)"
plot for [n in sizes] for [fl in flips] f using (($1 == n + 0 && $4 == fl + 0) ? $2 : 1/0):9 \
     with linespoints dashtype int(fl + 0 > 0 ? 2 : 1) pointsize 0.5 title sprintf("N = %s, flip %g", n, fl + 0)
unset multiplot
