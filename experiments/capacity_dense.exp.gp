# SPDX-License-Identifier: GPL-3.0-or-later
# Exponential network: ln of the capacity against N from 10 % flipped bits (P_half
# filled, P_all open, overlap >= 0.99), the fitted lines ln P = a + b N, 2^(N/2)
# (the source's claim, the rho -> 0 limit of Demircigil et al.'s bound) and
# exp(I(1 - 2 rho) N / 2), the bound at rho = 0.1; squares: P_all from the stored pattern
# itself (rho = 0, --exp0-max-n). Reads dense_capacity.csv, dense_fits.csv.
load "experiments/common.gpi"
set terminal pngcairo size 800,550 font ",11"
set output out
set datafile separator ","
fc = dir."/dense_capacity.csv"
ff = dir."/dense_fits.csv"
rho = real(system("awk -F, '$1 == \"exp\" {print $3; exit}' ".fc))
row(meas, k) = real(system(sprintf("awk -F, '$1 == \"exp\" && $2 == %g && $3 == 0.99 && $4 == \"%s\" {print $%d}' %s", rho, meas, k, ff)))
bh = row("half", 6); ah = row("half", 8); ba = row("all", 6); aa = row("all", 8); bound = row("all", 10)
set xlabel "neurons N"
set ylabel "ln P"
set key top left
set grid
set title sprintf("Exponential F: capacity from %g %% flipped bits (overlap >= 0.99); %s pattern sets per load", 100 * rho, opt("trials"))
set xrange [7:27]
plot fc using (strcol(1) eq "exp" && $3 == rho && $4 == 0.99 ? $2 : 1/0):(log($5)) with points pointtype 7 pointsize 1.3 lc 1 title sprintf("ln P_{half}: b = %.3f", bh), \
     fc using (strcol(1) eq "exp" && $3 == rho && $4 == 0.99 ? $2 : 1/0):(log($6)) with points pointtype 6 pointsize 1.3 lc 2 title sprintf("ln P_{all}: b = %.3f", ba), \
     fc using (strcol(1) eq "exp" && $3 == 0 && $4 == 0.99 ? $2 : 1/0):(log($6)) with points pointtype 4 pointsize 1.3 lc 3 title "ln P_{all} from the pattern itself ({/Symbol r} = 0)", \
     ah + bh * x with lines lc 1 notitle, \
     aa + ba * x with lines lc 2 notitle, \
     x * log(2) / 2 with lines dt 2 lc rgb "black" title "2^{N/2} (ln 2 / 2 = 0.347)", \
     x * bound with lines dt 3 lw 2 lc rgb "gray30" title sprintf("Demircigil et al. at {/Symbol r} = %g: %.3f", rho, bound)
