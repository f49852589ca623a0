# SPDX-License-Identifier: GPL-3.0-or-later
# The chosen network's confusion matrix on the MNIST test set (counts per true row and
# predicted column; the multi-well energy at the chosen K and beta). Reads confusion.csv
# and showcase.csv.
set terminal pngcairo size 640,600 font ",11"
set output out
set datafile separator ","
f = dir."/confusion.csv"
sel = system("awk -F, 'NR == 2 {print $1 \", seed \" $2 \", K = \" $3 \", beta = \" $4}' ".dir."/showcase.csv")
set title "confusion matrix, MNIST test set (".sel.")"
set xrange [-0.5:9.5]
set yrange [9.5:-0.5]
set xtics 0,1,9
set ytics 0,1,9
set xlabel "predicted"
set ylabel "true"
set size ratio -1
set palette defined (0 "white", 1 "#08306b")
set logscale cb
set cbrange [1:*]
plot f skip 1 using 2:1:($3 > 0 ? $3 : 1) with image notitle, \
     f skip 1 using 2:1:(sprintf("%d", $3)) with labels font ",8" tc rgb "#d62728" notitle
