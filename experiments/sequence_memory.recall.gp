# SPDX-License-Identifier: GPL-3.0-or-later
# Overlap with the scheduled pattern along the serial runs from frame 1: Moving MNIST
# (left; the first traced steps) and the video (right), per model. Reads
# movmnist_trace.csv and video_recall.csv.
set terminal pngcairo size 1200,480 font ",11"
set output out
set datafile separator ","
set grid
set yrange [-1:1.05]
set xlabel "step t"
set ylabel "overlap with the scheduled frame"
set key bottom left
set multiplot layout 1,2
set title "Moving MNIST (N = 784)"
plot for [m in "SeqNet x^2 x^3 x^4 exp"] dir."/movmnist_trace.csv" using (strcol(1) eq m ? $2 : 1/0):3 with linespoints pointsize 0.5 title m
set title "vtest.avi (N = 3,072)"
plot for [m in "SeqNet x^2 x^3 exp"] dir."/video_recall.csv" using (strcol(1) eq m ? $2 : 1/0):3 with lines lw 1.5 title m
unset multiplot
