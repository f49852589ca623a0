# SPDX-License-Identifier: GPL-3.0-or-later
# Validation accuracy of the sweep (MNIST, beta schedule) vs the Euler step dt, one line per
# standardisation and reading of eq. 3; left: inference at the initial beta, right: at the
# last epoch's beta. Missing points: training diverged. Reads sweep.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,480 font ",11"
set output out
set datafile separator ","
f = dir."/sweep.csv"
set multiplot layout 1,2 title sprintf("Validation sweep (%s validation images, %s training images, %s epochs); \nthe printed reading of eq. 3 diverged at every dt (no points; sweep.csv says nan)", opt("val"), opt("train"), opt("epochs"))
set logscale x
set xlabel "Euler step dt"
set ylabel "validation accuracy (%)"
set xrange [0.007:0.14]
set key top left font ",9"
set grid
do for [col in "15 16"] {
  set title (col eq "15" ? "inference at the initial {/Symbol b}" : "inference at the last epoch's {/Symbol b}")
  plot for [i = 0:3] sprintf("< awk -F, '$1 == \"sweep\" && $4 == \"%s\" && $5 == \"%s\"' %s", word("pixel global", i / 2 + 1), \
       word("printed damped", i % 2 + 1), f) using 6:(column(col+0)) with linespoints dashtype int(i + 1) pointtype (i + 4) \
       title sprintf("%s, %s", word("pixel global", i / 2 + 1), word("printed damped", i % 2 + 1))
}
unset multiplot
