# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 2a: the feature state reached with one memory neuron clamped (classes 0-9), each
# image stretched to its own range. Reads grid_prototypes.csv (hop_grid_write layout).
set terminal pngcairo size 1000,160 font ",11"
set output out
set datafile separator ","
unset key
unset tics
unset border
unset colorbox
set yrange [*:*] reverse
set size ratio -1
set palette gray
set title "class prototypes (MNIST, memory neuron 0..9 clamped)"
plot dir."/grid_prototypes.csv" skip 1 using 1:2:3 with image
