# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 9 read four ways (MNIST, 5 epochs, mean +- sd over seeds): the paper's protocol
# (the sweep's dt, 100 steps), inference over --f9-span tau_v, dt chosen per size on
# validation (with either span), the linear read-out argmax(W^T x) of the paper-reading
# runs, and the MLP. Reads train_size_readings.csv.
set terminal pngcairo size 900,560 font ",11"
set output out
set datafile separator ","
f = dir."/train_size_readings.csv"
set logscale x
set xrange [70:14000]
set xlabel "training images (MNIST, 5 epochs; N = 784 features, 10 memory neurons)"
set ylabel "test accuracy (%)"
set yrange [0:100]
set key outside right top
set grid
R = "paper span dt_per_size dt_per_size_span linear mlp"
plot for [i=1:6] sprintf("< awk -F, '$2 == \"%s\"' %s", word(R, i), f) using 1:6:7 \
     with yerrorlines lw 2 dt i pt (i + 3) ps 1.3 title word(R, i) noenhanced
