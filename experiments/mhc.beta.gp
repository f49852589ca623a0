# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 3a: test accuracy vs beta, clean and with noise. Left: beta is the initial beta of
# training (halved every epoch), inference at the selected reading; right: one trained model,
# beta changed at inference only. Reads beta_train.csv and beta_infer.csv (rows are
# selected with awk so that each curve is drawn as a line).
load "experiments/common.gpi"
set terminal pngcairo size 1200,480 font ",11"
set output out
set datafile separator ","
set multiplot layout 1,2 title sprintf("MNIST, %s training images, %s epochs", opt("train"), opt("epochs"))
set logscale x
set format x "10^{%L}"
set xlabel "{/Symbol b}"
set ylabel "test accuracy (%)"
set yrange [0:100]
set key bottom right
set grid
do for [which in "train infer"] {
  f = dir."/beta_".which.".csv"
  set title (which eq "train" ? "{/Symbol b} of training (schedule from it)" : "{/Symbol b} of inference (one model)")
  plot "< awk -F, 'NR > 1 && $2 == 0' ".f using 1:3 with linespoints title "clean", \
       "< awk -F, 'NR > 1 && $2 > 0' ".f using 1:3 with linespoints title "noise"
}
unset multiplot
