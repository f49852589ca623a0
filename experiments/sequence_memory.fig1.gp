# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 1: overlap with the correct pattern along the run from xi^1 (N = 300, P = 100),
# every draw: SeqNet (red) loses the sequence, DenseNet x^2 (blue) keeps it. Reads fig1.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,540 font ",11"
set output out
set datafile separator ","
f = dir."/fig1.csv"
set xlabel "step t"
set ylabel "overlap with {/Symbol x}^{t+1}"
set yrange [-0.2:1.05]
set grid
set key outside below horizontal
draws = int(system("awk -F, 'NR > 1 {print $2}' ".f." | sort -n | tail -1")) + 1
set title sprintf("Fig. 1: SeqNet against DenseNet x^2, N = %s neurons, P = %s patterns, %d draws", opt("fig1-n"), opt("fig1-p"), draws)
plot for [d = 0:draws - 1] f using (strcol(1) eq "SeqNet" && $2 == d ? $3 : 1/0):4 with lines lw 1 lc rgb "#cc3333" title (d == 0 ? "SeqNet" : ""), \
     for [d = 0:draws - 1] f using (strcol(1) eq "x^2" && $2 == d ? $3 : 1/0):4 with lines lw 1.5 lc rgb "#3355cc" title (d == 0 ? "DenseNet x^2" : "")
