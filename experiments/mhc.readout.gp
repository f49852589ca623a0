# SPDX-License-Identifier: GPL-3.0-or-later
# What the dynamics add (Table 1 runs): test accuracy of the linear read-out argmax(W^T x)
# (no dynamics) and of argmax h after 1, 10 and 100 Euler steps, from the same weights and
# the same initial h; one panel per dataset, one curve per training reading (mean +- sd
# over seeds). Reads readout.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,500 font ",11"
set output out
set datafile separator ","
f = dir."/readout.csv"
set multiplot layout 1,3 title sprintf("Table 1 runs read out without dynamics and after n Euler steps (dt and {/Symbol b} as selected; same weights; %s seeds)", opt("seeds"))
set ylabel "test accuracy (%)"
set xrange [-0.3:3.3]
set xtics ("W^Tx" 0, "1 step" 1, "10 steps" 2, "100 steps" 3) noenhanced
set grid
set key outside below
do for [d in "mnist fashion-mnist cifar-10"] {
  set title d noenhanced
  set yrange [*:*]
  nm = d eq "cifar-10" ? 2 : 3  # the constant reading is not run on CIFAR-10
  plot for [i=1:nm] sprintf("< awk -F, '$1 == \"%s\" && $2 == \"%s\"' %s", d, word("mhc_schedule mhc_fixed mhc_constant", i), f) \
       using 5:7:8 with yerrorlines lw 2 dt i pt (4 + 2 * i) ps 1.4 title word("mhc_schedule mhc_fixed mhc_constant", i) noenhanced
}
unset multiplot
