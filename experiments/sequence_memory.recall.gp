# SPDX-License-Identifier: GPL-3.0-or-later
# Overlap with the scheduled pattern along the serial runs from frame 1: Moving MNIST
# (left; the first traced steps) and the video (right), per model. Reads
# movmnist_trace.csv and video_recall.csv.
load "experiments/common.gpi"
set terminal pngcairo size 1200,540 font ",11"
set output out
set datafile separator ","
set grid
set yrange [-1:1.05]
set xlabel "step t"
set ylabel "overlap with the scheduled frame"
set key bottom left
set multiplot layout 1,2 title sprintf("Recall of a stored sequence from its first frame (Moving MNIST: %s clips of %s frames; curves that coincide are drawn with distinct dashes and points)", opt("mm-clips"), opt("mm-frames"))
set title "Moving MNIST (N = 784)"
ms = "SeqNet x^2 x^3 x^4 exp"
plot for [i = 1:words(ms)] dir."/movmnist_trace.csv" using (strcol(1) eq word(ms, i) ? $2 : 1/0):3 with linespoints dashtype i pointtype (i + 3) pointinterval (i + 1) pointsize 0.8 title word(ms, i)
set title "vtest.avi (N = 3,072)"
mv = "SeqNet x^2 x^3 exp"
plot for [i = 1:words(mv)] dir."/video_recall.csv" using (strcol(1) eq word(mv, i) ? $2 : 1/0):3 with linespoints dashtype i pointtype (i + 3) pointinterval 40 lw 1.5 title word(mv, i)
unset multiplot
