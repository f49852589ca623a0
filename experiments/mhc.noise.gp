# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 3b: MNIST test accuracy vs the sd of Gaussian noise added to the standardised image,
# MHC with and without the beta schedule and the MLP (mean +- sd over seeds). Reads noise.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,520 font ",11"
set output out
set datafile separator ","
f = dir."/noise.csv"
set xlabel "noise {/Symbol s} (standardised units)"
set ylabel "test accuracy (%)"
set yrange [0:100]
set key top right
set grid
set title sprintf("Fig. 3b: MNIST test accuracy under Gaussian noise; mean and sd over %s seeds, %s training images", opt("seeds"), opt("train"))
plot for [m in "mhc_schedule mhc_fixed mhc_constant mlp"] \
     sprintf("< awk -F, '$2 == \"%s\"' %s", m, f) using 1:4:5 with yerrorlines title m noenhanced
