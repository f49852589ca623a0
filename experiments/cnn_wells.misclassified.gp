# SPDX-License-Identifier: GPL-3.0-or-later
# The first 40 misclassified MNIST test digits of the chosen network, each titled
# "true -> predicted". Reads grid_misclassified.csv (hop_grid_write layout: 28-pixel
# tiles, 12-pixel gaps, 10 per row) and misclassified.csv.
set terminal pngcairo size 1000,520 font ",10"
set output out
set datafile separator ","
unset key
unset tics
unset border
unset colorbox
set yrange [*:*] reverse
set size ratio -1
set palette gray
nerr = system("tail -n +2 ".dir."/misclassified.csv | wc -l")
set title sprintf("misclassified test digits (first 40 of %d), true -> predicted", int(nerr))
plot dir."/grid_misclassified.csv" skip 1 using 1:2:3 with image, \
     dir."/misclassified.csv" skip 1 every ::0::39 using (int($0) % 10 * 40 + 26):(int($0 / 10) * 40 + 6):(sprintf("%d -> %d", $2, $3)) \
       with labels font ",9" tc rgb "#d62728"
