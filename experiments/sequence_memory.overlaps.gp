# SPDX-License-Identifier: GPL-3.0-or-later
# Overlaps xi^a . xi^b / N between the binarised video frames (every 4th frame): a bright
# band along the diagonal, the correlations the exponential separation has to beat.
# Reads grid_overlaps.csv.
set terminal pngcairo size 700,600 font ",11"
set output out
set datafile separator ","
set xlabel "frame a"
set ylabel "frame b"
set size ratio -1
set palette defined (-0.2 "#08306b", 0.4 "#4292c6", 0.8 "#c6dbef", 1 "white")
set title "vtest.avi: overlaps between binarised frames"
plot dir."/grid_overlaps.csv" skip 1 using 1:2:3 with image notitle
