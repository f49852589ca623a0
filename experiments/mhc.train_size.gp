# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 9: MNIST test accuracy vs training-set size, MHC (schedule) and MLP, 5 epochs each
# (mean +- sd over seeds). Reads train_size.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,520 font ",11"
set output out
set datafile separator ","
f = dir."/train_size.csv"
set logscale x
set xlabel "training images"
set ylabel "test accuracy (%)"
set key bottom right
set grid
set title sprintf("Fig. 9: MNIST test accuracy vs training-set size; mean and sd over %s seeds, %s epochs", opt("seeds"), opt("epochs"))
plot for [m in "mhc_schedule mlp"] sprintf("< awk -F, '$2 == \"%s\"' %s", m, f) using 1:4:5 \
     with yerrorlines title m noenhanced
