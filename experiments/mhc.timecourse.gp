# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 4: memory states h_j(t) and the energy E(t) during inference on the first MNIST test
# image (Euler steps; the classification is read at step 100, marked). Reads timecourse.csv.
set terminal pngcairo size 1000,520 font ",11"
set output out
set datafile separator ","
f = dir."/timecourse.csv"
lab = system("sed -n 2p ".f." | cut -d, -f14") + 0
t100 = system("awk -F, '$1 == 100 {print $2}' ".f) + 0.0
set multiplot layout 1,2
set xlabel "t"
set ylabel "h_j"
set key outside right font ",9"
set grid
set arrow 1 from t100, graph 0 to t100, graph 1 nohead dt 2
set title sprintf("memory neurons (true class %d)", lab)
plot for [j=0:9] f using 2:(column(3+j)) with lines lw (j == lab ? 3 : 1) title sprintf("h_%d", j)
set ylabel "E"
set title "energy"
unset key
plot f using 2:13 with lines lw 2
unset multiplot
