# Table 1 as bars: test accuracy per dataset and model, measured (mean +- sd over seeds)
# beside the paper's value. Reads table1.csv.
set terminal pngcairo size 1000,520 font ",11"
set output out
set datafile separator ","
f = dir."/table1.csv"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set yrange [0:100]
set ylabel "test accuracy (%)"
set key top right
set grid ytics
set xtics rotate by -20 font ",9"
set title "MHC Table 1: measured (mean and sd over seeds) and the paper"
plot f using ($7 > 0 ? $5 : 1/0):6:xtic(sprintf("%s %s", strcol(1), strcol(2))) title "measured", \
     '' using ($7 > 0 ? $7 : 1/0):(0) title "paper"
