# SPDX-License-Identifier: GPL-3.0-or-later
# Image grid of claim r3 (reads grid_r3.csv through cifar_recall_grid.gpi).
file = dir."/grid_r3.csv"
label = "R3: 100 gray images, half mask, L1 score beta = 1e5, 1 step"
rgb = 0
load "experiments/cifar_recall_grid.gpi"
