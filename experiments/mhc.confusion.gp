# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 5: MNIST confusion matrices (test set, seed 0), MHC with the schedule and the MLP;
# counts per true (row) and predicted (column) class. Reads confusion.csv.
set terminal pngcairo size 1100,480 font ",11"
set output out
set datafile separator ","
f = dir."/confusion.csv"
set multiplot layout 1,2
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
do for [k=0:1] {
  set title word("mhc_schedule mlp", k + 1) noenhanced
  plot f skip 1 every ::(100*k)::(100*k+99) using 3:2:($4 > 0 ? $4 : 1) with image notitle, \
       f skip 1 every ::(100*k)::(100*k+99) using 3:2:(sprintf("%d", $4)) with labels font ",7" notitle
}
unset multiplot
