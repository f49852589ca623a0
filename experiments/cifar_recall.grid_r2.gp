# SPDX-License-Identifier: GPL-3.0-or-later
# Image grid of claim r2 (reads grid_r2.csv through cifar_recall_grid.gpi).
file = dir."/grid_r2.csv"
label = "R2: as R1 with beta = 1e5 (noise std 5, the write-up)"
rgb = 1
load "experiments/cifar_recall_grid.gpi"
