# Exact recall vs the number P of stored images (noise; each similarity at its validated
# beta), RGB and gray. Reads accuracy_vs_p.csv.
set terminal pngcairo size 1200,500 font ",11"
set output out
set datafile separator ","
f = dir."/accuracy_vs_p.csv"
sims = system("tail -n +2 ".f." | cut -d, -f3 | awk '!s[$0]++' | tr '\\n' ' '")
set multiplot layout 1,2
set logscale x
set yrange [-0.02:1.05]
set xlabel "stored images P"
set ylabel "exact recall"
set key bottom left
set grid
do for [col in "rgb gray"] {
  set title sprintf("%s, noise", col)
  plot for [s in sims] f using ((strcol(1) eq col && strcol(3) eq s) ? $5 : 1/0):6:7 with yerrorlines pointsize 0.6 title s
}
unset multiplot
