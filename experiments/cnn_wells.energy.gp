# SPDX-License-Identifier: GPL-3.0-or-later
# W4: class energies E_c(s) - min_c E_c(s) of the chosen network for the first four
# correctly classified (top) and the first four misclassified (bottom) test digits; the
# predicted class is the bar at 0. Reads energy.csv and showcase.csv.
set terminal pngcairo size 1200,620 font ",10"
set output out
set datafile separator ","
f = dir."/energy.csv"
sel = system("awk -F, 'NR == 2 {print $1 \", seed \" $2 \", K = \" $3 \", beta = \" $4}' ".dir."/showcase.csv")
set multiplot layout 2,4 title "class energies above the lowest (".sel."); top: correct, bottom: misclassified; green: the true class"
set style fill solid 0.7 border -1
set boxwidth 0.7
set xrange [-0.6:9.6]
set xtics 0,1,9
set yrange [0:*]
set grid ytics
unset key
do for [k=0:7] {
  info = system(sprintf("awk -F, '$1 == %d {print \"test digit \" $2 \": true \" $3 \", predicted \" $4; exit}' %s", k, f))
  set title info
  set xlabel "class"
  plot sprintf("< awk -F, '$1 == %d' %s", k, f) using 5:6:($5 == $4 ? 1 : ($5 == $3 ? 2 : 3)) with boxes lc variable
}
unset multiplot
