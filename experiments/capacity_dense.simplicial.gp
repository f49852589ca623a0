# SPDX-License-Identifier: GPL-3.0-or-later
# Simplicial against pairwise at equal weights: mean capacity (P_half, overlap >= 0.99,
# starts at the stored patterns and from 10 % flipped bits) of each mix over the seeds,
# with the standard deviation. Reads simplicial_capacity.csv.
load "experiments/common.gpi"
set terminal pngcairo size 900,500 font ",11"
set output out
set datafile separator ","
f = dir."/simplicial_capacity.csv"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set boxwidth 0.9
set ylabel "capacity P_{half}"
set yrange [0:*]
set xtics rotate by -20 scale 0 font ",9"
set key top left
set grid ytics
set title sprintf("Simplicial networks, N = %s: 4950 weights (the pairwise budget) or 2475 (diluted); mean and sd over %s seeds", opt("sx-n"), opt("sx-seeds"))
rows(flip) = sprintf("< awk -F, '$4 == 0.99 && $3 == %g' %s", flip, f)
plot rows(0) using 5:6:xtic(1) title "from the stored patterns", \
     rows(0.1) using 5:6 title "from 10 % flipped bits"
