# SPDX-License-Identifier: GPL-3.0-or-later
# The chosen network's L2-normalised test features (the first 3,000 test digits) on their
# two leading principal axes, coloured by digit, with the wells (k-means prototypes of the
# chosen K) as triangles. Reads pca.csv, pca_wells.csv and showcase.csv.
set terminal pngcairo size 860,720 font ",11"
set output out
set datafile separator ","
sel = system("awk -F, 'NR == 2 {print $1 \", seed \" $2 \", K = \" $3 \", beta = \" $4}' ".dir."/showcase.csv")
set title "test features (first 3,000 digits) and wells, 2-D PCA; network: ".sel
set xlabel "principal axis 1"
set ylabel "principal axis 2"
set palette maxcolors 10
set palette defined (0 "#1f77b4", 1 "#ff7f0e", 2 "#2ca02c", 3 "#d62728", 4 "#9467bd", 5 "#8c564b", \
                     6 "#e377c2", 7 "#7f7f7f", 8 "#bcbd22", 9 "#17becf")
set cbrange [-0.5:9.5]
set cbtics 0,1,9
set cblabel "digit"
set key top left opaque box
plot dir."/pca.csv" skip 1 using 1:2:3 with points pt 7 ps 0.35 lc palette title "test feature", \
     dir."/pca_wells.csv" skip 1 using 1:2:3 with points pt 9 ps 1.8 lc palette notitle, \
     dir."/pca_wells.csv" skip 1 using 1:2 with points pt 8 ps 1.8 lc rgb "black" title "well"
