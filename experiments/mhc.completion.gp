# SPDX-License-Identifier: GPL-3.0-or-later
# Figs. 2b and 6: one test digit per class (top), with the bottom rows masked (middle), and
# the feature state after the inference steps (bottom), titled with the predicted labels.
# Reads grid_completion.csv and completion.csv.
set terminal pngcairo size 1000,360 font ",11"
set output out
set datafile separator ","
unset key
unset tics
unset border
unset colorbox
set yrange [*:*] reverse
set size ratio -1
set palette gray
set lmargin 12
pred = system("tail -n +2 ".dir."/completion.csv | cut -d, -f4 | tr '\\n' ' '")
set title "masked digits completed by the MHC; predicted: ".pred
set label 1 "original" at graph -0.01, graph 0.83 right
set label 2 "masked" at graph -0.01, graph 0.5 right
set label 3 "completed" at graph -0.01, graph 0.17 right
plot dir."/grid_completion.csv" skip 1 using 1:2:3 with image
