# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 2A: transition (left) and sequence (right) capacity against N, mean and standard
# deviation over the trials (points), with the theory lines of Chaudhry et al. 2023
# (polynomial N^d / (2 (2d-1)!! ln N) and / (d+1); exponential b^(N-1) / (2 ln N) and
# b^(N-1) / (2 N ln b), b = e^2 / cosh 2). Open squares: the exponential network with
# the self term included (the other reading); dashed: 2^((N+1)/2), where P random
# patterns hold one repeated pattern on average (the birthday bound: out of a repeated
# pattern no network goes to both successors). Reads
# capacity.csv and capacity_self.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,520 font ",11"
set output out
set datafile separator ","
fc = dir."/capacity.csv"
fs = dir."/capacity_self.csv"
set logscale y
set xlabel "neurons N"
set ylabel "capacity P"
set grid
set key bottom right
set samples 300
b = exp(2) / cosh(2)
df(d) = d == 1 ? 1 : d == 2 ? 3 : d == 3 ? 15 : 105
pt(d, x) = x ** d / (2 * df(d) * log(x))
ps(d, x) = pt(d, x) / (d + 1)
name(d) = d == 1 ? "SeqNet" : sprintf("x^%d", d)
nmax(m) = real(system(sprintf("awk -F, '$1 == \"%s\" {print $2}' %s | sort -n | tail -1", m, fc)))
nmin(m) = real(system(sprintf("awk -F, '$1 == \"%s\" {print $2}' %s | sort -n | head -1", m, fc)))
in(m, x) = x >= nmin(m) && x <= nmax(m)
set xrange [8:102]
set multiplot layout 1,2 title sprintf("Capacity search: %s repetitions, %s sequences per attempt", opt("cap-trials"), opt("sequences"))
do for [kind in "transition sequence"] {
  set title sprintf("%s capacity (points: simulation; lines: theory)", kind)
  plot for [d = 1:4] fc using (strcol(1) eq name(d) && strcol(3) eq kind ? $2 : 1/0):5:6 with yerrorbars lc d pointtype 7 pointsize 0.8 title name(d), \
       for [d = 1:4] (in(name(d), x) ? (kind eq "transition" ? pt(d, x) : ps(d, x)) : 1/0) with lines lc d notitle, \
       fc using (strcol(1) eq "exp" && strcol(3) eq kind ? $2 : 1/0):5:6 with yerrorbars lc 7 pointtype 5 pointsize 0.8 title "exp", \
       (in("exp", x) ? (kind eq "transition" ? b ** (x - 1) / (2 * log(x)) : b ** (x - 1) / (2 * x * log(b))) : 1/0) with lines lc 7 notitle, \
       fs using (strcol(3) eq kind ? $2 : 1/0):5:6 with yerrorbars lc 7 pointtype 4 pointsize 1 title "exp, self term included", \
       (kind eq "transition" && in("exp", x) ? 2 ** ((x + 1) / 2) : 1/0) with lines dt 2 lc rgb "gray30" title (kind eq "transition" ? "a repeated pattern expected: 2^{(N+1)/2}" : "")
}
unset multiplot
