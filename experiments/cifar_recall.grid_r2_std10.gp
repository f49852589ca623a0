# SPDX-License-Identifier: GPL-3.0-or-later
# Image grid of claim r2 (reads grid_r2_std10.csv through cifar_recall_grid.gpi).
file = dir."/grid_r2_std10.csv"
label = "R2: beta = 1e5 with noise std 10 (the students' code)"
rgb = 1
load "experiments/cifar_recall_grid.gpi"
