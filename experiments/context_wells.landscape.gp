# SPDX-License-Identifier: GPL-3.0-or-later
# The energy landscape of five keys in the plane at three betas: top, E(xi) as a heat map
# with the keys (circles) and the wells reached (crosses); bottom, the basins, each point
# coloured by the well it converges to. Reads landscape.csv (one block per beta) and fixed2d.csv.
set terminal pngcairo size 1200,800 font ",10"
set output out
set datafile separator ","
fl = dir."/landscape.csv"
ff = dir."/fixed2d.csv"
betas = system("awk -F, 'NR > 1 && $1 != \"\" && !seen[$1]++ {print $1}' ".fl)
set size ratio -1
set xrange [-1.4:1.4]
set yrange [-1.4:1.4]
set multiplot layout 2,3
do for [k = 1:words(betas)] {
  b = word(betas, k)
  set title sprintf("E, {/Symbol b} = %s", b)
  set palette defined (0 "#08306b", 1 "#4292c6", 2 "#f7fbff")
  set colorbox
  plot fl index (k - 1) using 2:3:4 with image notitle, \
       ff using ($1 == b + 0 && strcol(2) eq "key" ? $4 : 1/0):5 with points pointtype 7 pointsize 1.4 lc rgb "orange" title "keys", \
       ff using ($1 == b + 0 && strcol(2) eq "well" ? $4 : 1/0):5 with points pointtype 2 pointsize 2 lw 3 lc rgb "red" title "wells"
}
do for [k = 1:words(betas)] {
  b = word(betas, k)
  nw = int(system(sprintf("awk -F, '$1 == %s && $2 == \"well\"' %s | wc -l", b, ff)))
  set title sprintf("basins, {/Symbol b} = %s: %d well%s", b, nw, nw == 1 ? "" : "s")
  set palette defined (0 "#e41a1c", 1 "#377eb8", 2 "#4daf4a", 3 "#984ea3", 4 "#ff7f00", 5 "#a65628", 6 "#f781bf", 7 "#999999")
  set palette maxcolors 8
  set cbrange [-0.5:7.5]
  unset colorbox
  plot fl index (k - 1) using 2:3:($5 < 0 ? 1/0 : $5) with image notitle, \
       ff using ($1 == b + 0 && strcol(2) eq "key" ? $4 : 1/0):5 with points pointtype 7 pointsize 1.4 lc rgb "black" notitle, \
       ff using ($1 == b + 0 && strcol(2) eq "well" ? $4 : 1/0):5 with points pointtype 2 pointsize 2 lw 3 lc rgb "white" notitle
  set palette maxcolors 0
  set cbrange [*:*]
}
unset multiplot
