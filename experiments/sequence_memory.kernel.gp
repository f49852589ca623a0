# SPDX-License-Identifier: GPL-3.0-or-later
# Temporal kernels (our reconstruction) on the video with one frame replaced by noise:
# left, the stored frame nearest to the state at each step around that frame (the delta
# schedule is the diagonal; a kernel stuck at the first frame lies below the panel);
# right, the overlap with the scheduled true frame. Reads
# kernel_trace.csv and kernel_summary.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,540 font ",11"
set output out
set datafile separator ","
ft = dir."/kernel_trace.csv"
c = real(system("awk -F, 'NR > 1 && $1 == \"delta\" && $3 == \"noise\" && $6 < 0.5 {print $4; exit}' ".ft))
ks = system("awk -F, 'NR > 1 && !seen[$1 \" \" $2]++ {printf \"%s:%s \", $1, $2}' ".ft)
kn(k) = substr(word(ks, k), 1, strstrt(word(ks, k), ":") - 1)
kp(k) = real(substr(word(ks, k), strstrt(word(ks, k), ":") + 1, 99))
set grid
set key top left
set xrange [c - 15:c + 15]
set multiplot layout 1,2 title "Temporal kernels on vtest.avi: one frame replaced by noise (kernels that coincide are drawn with distinct dashes and points)"
set title sprintf("frame %d replaced by noise: nearest stored frame", c)
set yrange [c - 20:c + 20]
set key bottom right
set xlabel "step t"
set ylabel "nearest stored frame"
plot for [k = 1:words(ks)] ft using (strcol(1) eq kn(k) && $2 == kp(k) && strcol(3) eq "noise" ? $4 : 1/0):5 with linespoints dashtype k pointtype (k + 3) pointsize 0.7 \
       title (kn(k) eq "delta" ? "delta" : sprintf("%s %g", kn(k), kp(k))), x with lines dt 2 lc rgb "gray" notitle
set title "overlap with the true scheduled frame"
set ylabel "overlap"
set yrange [-0.2:1.05]
set key bottom left
plot for [k = 1:words(ks)] ft using (strcol(1) eq kn(k) && $2 == kp(k) && strcol(3) eq "noise" ? $4 : 1/0):6 with linespoints dashtype k pointtype (k + 3) pointsize 0.7 \
       title (kn(k) eq "delta" ? "delta" : sprintf("%s %g", kn(k), kp(k)))
unset multiplot
