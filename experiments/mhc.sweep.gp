# Validation accuracy of the sweep (MNIST, beta schedule) vs the Euler step dt, one line per
# standardisation and reading of eq. 3; left: inference at the initial beta, right: at the
# last epoch's beta. Missing points: training diverged. Reads sweep.csv.
set terminal pngcairo size 1200,480 font ",11"
set output out
set datafile separator ","
f = dir."/sweep.csv"
set multiplot layout 1,2
set logscale x
set xlabel "Euler step dt"
set ylabel "validation accuracy (%)"
set yrange [0:100]
set key bottom left font ",9"
set grid
do for [col in "15 16"] {
  set title (col eq "15" ? "inference at the initial {/Symbol b}" : "inference at the last epoch's {/Symbol b}")
  plot for [sd in "pixel global"] for [rd in "printed damped"] \
       f using ((strcol(1) eq "sweep" && strcol(4) eq sd && strcol(5) eq rd) ? $6 : 1/0):(column(col+0)) \
       with linespoints title sprintf("%s, %s", sd, rd)
}
unset multiplot
