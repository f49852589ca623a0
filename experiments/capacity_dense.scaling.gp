# SPDX-License-Identifier: GPL-3.0-or-later
# Capacity of the dense network F = x^n against N on log-log axes, per n: P_half (half
# the patterns retrieved, filled) and P_all (every pattern, open) from the stored
# patterns at overlap >= 0.99, with the least-squares lines of dense_fits.csv and
# Krotov & Hopfield's no-error law N^(n-1) / (2 (2n-3)!! ln N) (dashed, the column
# no_error_law the program writes at each N); the solid lines are the fits of P_half.
# Reads dense_capacity.csv and dense_fits.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,550 font ",11"
set output out
set datafile separator ","
fc = dir."/dense_capacity.csv"
ff = dir."/dense_fits.csv"
set logscale xy
set xlabel "neurons N"
set ylabel "patterns P"
set key top left
set grid
set title sprintf("F = x^n: capacity against N (starts at the stored patterns, overlap >= 0.99); %s pattern sets per load", opt("trials"))
fitv(m, meas, on, k) = real(system(sprintf("awk -F, '$1 == \"%s\" && $2 == 0 && $3 == 0.99 && $4 == \"%s\" && $5 == \"%s\" {print $%d}' %s", m, meas, on, k, ff)))
size(n, which) = real(system(sprintf("awk -F, '$1 == \"x^%d\" {print $2}' %s | sort -n | %s -1", n, fc, which)))
in(n, x) = x >= size(n, "head") && x <= size(n, "tail")
line(n, x) = in(n, x) ? exp(fitv(sprintf("x^%d", n), "half", "P", 8)) * x ** fitv(sprintf("x^%d", n), "half", "P", 6) : 1/0
set samples 200
set xrange [8:500]
plot for [n = 2:4] fc using (strcol(1) eq sprintf("x^%d", n) && $3 == 0 && $4 == 0.99 ? $2 : 1/0):5 with points lc n pointtype 7 pointsize 1.2 \
       title sprintf("x^%d P_{half}: slope %.2f", n, fitv(sprintf("x^%d", n), "half", "P", 6)), \
     for [n = 2:4] fc using (strcol(1) eq sprintf("x^%d", n) && $3 == 0 && $4 == 0.99 ? $2 : 1/0):6 with points lc n pointtype 6 pointsize 1.2 \
       title sprintf("x^%d P_{all}: slope %.2f on P ln N", n, fitv(sprintf("x^%d", n), "all", "P_lnN", 6)), \
     for [n = 2:4] line(n, x) with lines lc n notitle, \
     for [n = 2:4] sprintf("< awk -F, '$1 == \"x^%d\" && $3 == 0 && $4 == 0.99' %s", n, fc) using 2:8 with lines dt 2 lc n notitle
