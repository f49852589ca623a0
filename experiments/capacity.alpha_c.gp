# SPDX-License-Identifier: GPL-3.0-or-later
# Finite-size scaling: alpha_50(N) against N^-e with the line fitted through them,
# extrapolated to N -> infinity (x = 0). Primary threshold (first row of alpha_c.csv),
# exact starts. Reads alpha50.csv (points) and alpha_c.csv (fit).
load "experiments/common.gpi"
set terminal pngcairo size 800,500 font ",11"
set output out
set datafile separator ","
fa = dir."/alpha50.csv"
fc = dir."/alpha_c.csv"
row = system("awk -F, 'NR > 1 && $2 == 0 {print; exit}' ".fc)
field(k) = word(system(sprintf("echo '%s' | cut -d, -f%d", row, k)), 1) + 0
thr = field(1); a = field(4); se = field(5); b = field(6); e = field(11)
set xlabel sprintf("N^{-%g}", e)
set ylabel sprintf("{/Symbol a}_{50}(N), overlap >= %g", thr)
set key top left
set grid
set xrange [0:*]
set yrange [0.1:*]
set label 1 sprintf("extrapolated {/Symbol a}_c = %.4f ± %.4f", a, se) at graph 0.05, graph 0.7
set title sprintf("Finite-size extrapolation of the classical capacity; trials per N: max(%s, %s / N)", opt("min-trials"), opt("budget"))
plot fa using (($1 == thr && $2 == 0) ? $3**(-e) : 1/0):4 with points pointtype 7 pointsize 1.2 title "measured {/Symbol a}_{50}(N)", \
     a + b * x with lines lc rgb "black" title sprintf("fit a + b N^{-%g}", e), \
     0.138 with lines dt 2 lc rgb "gray40" title "0.138 (Amit et al. 1985)"
