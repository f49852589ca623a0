# SPDX-License-Identifier: GPL-3.0-or-later
# Fig. 3A: Moving MNIST frames stored (top) and recalled from frame 1 by DenseNet x^2,
# x^3 and the exponential DenseNet, at steps 0-5 and five later steps. Reads grid_movmnist.csv.
set terminal pngcairo size 1000,470 font ",11"
file = dir."/grid_movmnist.csv"
rows = "stored x^2 x^3 exp"
ttl = "Moving MNIST (N = 784): stored and recalled frames"
load "experiments/sequence_memory_strip.gpi"
