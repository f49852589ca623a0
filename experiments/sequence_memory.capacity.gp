# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 2A: transition (left) and sequence (right) capacity against N, mean and standard
# deviation over the trials (points), with the theory lines of Chaudhry et al. 2023 as
# the program computed them (capacity_theory.csv; the formulas are in sequence_memory.c).
# Open squares: the exponential network with the self term included (the other reading);
# dashed: 2^((N+1)/2), where P random patterns hold one repeated pattern on average (the
# birthday bound: out of a repeated pattern no network goes to both successors). Reads
# capacity.csv, capacity_self.csv and capacity_theory.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,520 font ",11"
set output out
set datafile separator ","
fc = dir."/capacity.csv"
fs = dir."/capacity_self.csv"
ft = dir."/capacity_theory.csv"
set logscale y
set xlabel "neurons N"
set ylabel "capacity P"
set grid
set key bottom right
name(d) = d == 1 ? "SeqNet" : sprintf("x^%d", d)
set xrange [8:102]
set multiplot layout 1,2 title sprintf("Capacity search: %s repetitions, %s sequences per attempt", opt("cap-trials"), opt("sequences"))
do for [kind in "transition sequence"] {
  set title sprintf("%s capacity (points: simulation; lines: theory)", kind)
  plot for [d = 1:4] fc using (strcol(1) eq name(d) && strcol(3) eq kind ? $2 : 1/0):5:6 with yerrorbars lc d pointtype 7 pointsize 0.8 title name(d), \
       for [d = 1:4] ft using (strcol(1) eq name(d) && strcol(2) eq kind ? $3 : 1/0):4 with lines lc d notitle, \
       fc using (strcol(1) eq "exp" && strcol(3) eq kind ? $2 : 1/0):5:6 with yerrorbars lc 7 pointtype 5 pointsize 0.8 title "exp", \
       ft using (strcol(1) eq "exp" && strcol(2) eq kind ? $3 : 1/0):4 with lines lc 7 notitle, \
       fs using (strcol(3) eq kind ? $2 : 1/0):5:6 with yerrorbars lc 7 pointtype 4 pointsize 1 title "exp, self term included", \
       ft using (strcol(1) eq "repeat" && strcol(2) eq kind ? $3 : 1/0):4 with lines dt 2 lc rgb "gray30" title (kind eq "transition" ? "a repeated pattern expected: 2^{(N+1)/2}" : "")
}
unset multiplot
