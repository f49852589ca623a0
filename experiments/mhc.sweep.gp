# SPDX-License-Identifier: GPL-3.0-or-later
# Validation accuracy of the sweep (MNIST, beta schedule) vs the Euler step dt, one line per
# standardisation and reading of eq. 3; left: inference at the initial beta, right: at the
# last epoch's beta. Missing points: training diverged. Reads sweep.csv.
set terminal pngcairo size 1200,480 font ",11"
set output out
set datafile separator ","
f = dir."/sweep.csv"
set multiplot layout 1,2
set logscale x
set xlabel "Euler step dt"
set ylabel "validation accuracy (%)"
set xrange [0.007:0.14]
set key top left font ",9"
set grid
do for [col in "15 16"] {
  set title (col eq "15" ? "inference at the initial {/Symbol b}" : "inference at the last epoch's {/Symbol b}")
  plot for [sd in "pixel global"] for [rd in "printed damped"] \
       sprintf("< awk -F, '$1 == \"sweep\" && $4 == \"%s\" && $5 == \"%s\"' %s", sd, rd, f) \
       using 6:(column(col+0)) with linespoints title sprintf("%s, %s", sd, rd)
}
unset multiplot
