# SPDX-License-Identifier: GPL-3.0-or-later
# W2, W3: MNIST test accuracy of the multi-well energy against the number of wells per
# class, one curve per CNN size (mean over the training seeds, bars from the lowest to the
# highest seed; beta chosen on validation for each K); dashed: the CNN's own softmax head
# on the same features (mean). Reads acc_k.csv and sizes.csv.
set terminal pngcairo size 860,540 font ",11"
set output out
set datafile separator ","
f = dir."/acc_k.csv"
sizes = system("tail -n +2 ".f." | cut -d, -f1 | uniq | tr '\\n' ' '")
seeds = system("tail -n +2 ".dir."/sizes.csv | head -1 | cut -d, -f3")
set title sprintf("CNN features + k-means wells, MNIST test set; %s seed(s) per size, beta chosen on validation", seeds)
set logscale x
set xlabel "wells per class K"
set ylabel "test accuracy (%)"
set key outside right top
set grid
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
plot for [i=1:words(sizes)] sprintf("< awk -F, '$1 == \"%s\"' %s", word(sizes, i), f) using 2:3:5:6 \
       with yerrorlines lc i lw 2 pt (4 + 2 * i) title word(sizes, i)." wells", \
     for [i=1:words(sizes)] sprintf("< awk -F, '$1 == \"%s\"' %s", word(sizes, i), f) using 2:8 \
       with lines lc i dt 2 title word(sizes, i)." softmax head"
