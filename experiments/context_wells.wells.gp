# SPDX-License-Identifier: GPL-3.0-or-later
# Number of context wells (local minima of E reached from random starts) against beta,
# for random unit keys and for keys in clusters, with the regimes shaded (global average:
# one well; cluster averages; one well per key; metastable otherwise). Reads wells.csv
# and regimes.csv; a regime's shading reaches halfway (in log beta) to the next grid point.
load "experiments/common.gpi"
set terminal pngcairo size 1000,520 font ",11"
set output out
set datafile separator ","
fw = dir."/wells.csv"
fr = dir."/regimes.csv"
b0 = real(system("awk -F, 'NR == 2 {print $2}' ".fw))
b1 = real(system("awk -F, 'NR == 3 {print $2}' ".fw))
half = sqrt(b1 / b0)
n = int(system("awk -F, 'NR > 1 {if ($3 > m) m = $3} END {print m}' ".fw))
set multiplot layout 1,2 margins 0.07,0.98,0.22,0.8 spacing 0.08 \
    title sprintf("distinct wells found from %s random starts per beta; shaded: blue one global well, yellow the cluster averages,\ngreen one well per key, gray metastable", opt("starts"))
do for [s in "random clusters"] {
  unset object
  k = 0
  rows = system("awk -F, -v s=".s." '$1 == s {print $2\":\"$3\":\"$4}' ".fr)
  do for [row in rows] {
    k = k + 1
    name = system("echo ".row." | cut -d: -f1")
    lo = real(system("echo ".row." | cut -d: -f2")) / half
    hi = real(system("echo ".row." | cut -d: -f3")) * half
    col = name eq "global" ? "#cfe2f3" : name eq "keys" ? "#d9ead3" : name eq "clusters" ? "#fff2cc" : "#eeeeee"
    set object k rect from lo, graph 0 to hi, graph 1 fc rgb col fs solid 1.0 noborder behind
  }
  set logscale x
  set xlabel "{/Symbol b}"
  set ylabel "distinct wells"
  set yrange [0:n + 2]
  if (s eq "random") {
    set key at screen 0.5, 0.04 center horizontal maxrows 1
  } else {
    unset key
  }
  set grid front
  set title (s eq "random" ? "16 random unit keys, d = 8" : "16 unit keys in 4 clusters, d = 8")
  plot fw using (strcol(1) eq s ? $2 : 1/0):3 skip 1 with linespoints pointtype 7 lw 2 lc rgb "black" title "wells", \
       fw using (strcol(1) eq s ? $2 : 1/0):4 skip 1 with linespoints pointtype 6 lc rgb "#38761d" title "wells at a key", \
       fw using (strcol(1) eq s ? $2 : 1/0):5 skip 1 with linespoints pointtype 4 lc rgb "#b45f06" title "wells at a cluster average"
}
unset multiplot
