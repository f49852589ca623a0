# SPDX-License-Identifier: GPL-3.0-or-later
# Recall of key-value pairs from noisy keys against the load n/d: linear and non-linear
# heads, each at its own beta chosen on validation queries; mean and standard deviation
# over the seeds. Left: unit keys; right: key norms uniform in [0.5, 1.5]. Reads recall.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1000,520 font ",11"
set output out
set datafile separator ","
f = dir."/recall.csv"
heads = "linear poly spline rbf"
set multiplot layout 1,2 margins 0.07,0.98,0.22,0.8 spacing 0.08 \
    title sprintf("recall of key-value pairs, d = %s, each head at its beta chosen on validation queries; mean and sd over %s memories\nof %s test queries; points of heads that coincide are offset sideways", opt("recall-dim"), opt("seeds"), opt("queries"))
do for [t in "unit norms"] {
  set logscale x 2
  set xrange [0.18:11]
  set xlabel "load n / d"
  set ylabel "fraction recalled"
  set yrange [0:1.05]
  if (t eq "unit") {
    set key at screen 0.5, 0.04 center horizontal maxrows 1
  } else {
    unset key
  }
  set grid
  set title (t eq "unit" ? "unit keys" : "key norms in [0.5, 1.5]")
  plot for [k = 1:4] f using ((strcol(1) eq t && strcol(4) eq word(heads, k) && strcol(5) eq "own_beta") ? $2 * (1 + 0.06 * (k - 2.5)) : 1/0):6:7 \
       skip 1 with yerrorlines lc k dashtype k pointtype (k + 3) title word(heads, k)
}
unset multiplot
