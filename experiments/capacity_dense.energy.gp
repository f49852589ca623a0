# SPDX-License-Identifier: GPL-3.0-or-later
# Energy traces of every model under single-neuron asynchronous updates from 30 % flipped
# bits (three sweeps), normalised to (E - E_end) / (E_start - E_end). Reads energy.csv.
set terminal pngcairo size 800,500 font ",11"
set output out
set datafile separator ","
f = dir."/energy.csv"
set xlabel "sweeps (single-neuron updates / N)"
set ylabel "(E - E_{end}) / (E_{start} - E_{end})"
set yrange [-0.05:1.05]
set key top right
set grid
set title "Energy under asynchronous updates: dense, exponential and simplicial networks (one start each)"
models = "x^2 x^3 x^4 rect_x^3 exp simplicial_thirds"
name(k) = system(sprintf("echo %s | tr _ ' '", word(models, k)))
plot for [k = 1:6] f using (strcol(1) eq name(k) ? $4 / $2 : 1/0):6 skip 1 with lines lw 2 lc k title name(k)
