# SPDX-License-Identifier: GPL-3.0-or-later
# Table 1 as bars: test accuracy per dataset and model, measured (mean +- sd over seeds)
# beside the paper's value (none for the CIFAR-10 subsets and the second reading of
# "without scheduling"). Reads table1.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1100,560 font ",11"
set output out
set datafile separator ","
set datafile missing ""
f = dir."/table1.csv"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set yrange [0:100]
set ylabel "test accuracy (%)"
set key top right
set grid ytics
set xtics rotate by -30 font ",9" noenhanced
set bmargin 9
set rmargin 10
set title sprintf("MHC Table 1: measured (mean and sd over %s seeds, %s training images, %s epochs) and the paper", opt("seeds"), opt("train"), opt("epochs"))
plot f skip 1 using 5:6:xtic(sprintf("%s %s", strcol(1), strcol(2))) title "measured", \
     '' skip 1 using 7:(0) title "paper"
