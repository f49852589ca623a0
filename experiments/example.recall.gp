# SPDX-License-Identifier: GPL-3.0-or-later
# Template figure: final overlap and recalled fraction against the flipped fraction of
# the start (N = 200, P = 10, one seed). Reads recall.csv; make passes dir and out.
set terminal pngcairo size 700,450 font ",11"
set output out
set datafile separator ","
set xlabel "fraction of bits flipped in the start"
set ylabel "mean overlap / fraction recalled"
set yrange [0:1.05]
set key bottom left
set grid
seed = system("sed -n 's/^seed: //p' ".dir."/manifest.txt")
set title "Classical network, N = 200, P = 10 (load 0.05), one pattern set (seed ".seed.")"
plot dir."/recall.csv" using 1:2 skip 1 with linespoints pointtype 7 lw 2 title "mean final overlap", \
     dir."/recall.csv" using 1:3 skip 1 with linespoints pointtype 4 dt 2 lw 2 title "fraction recalled (m >= 0.99)"
