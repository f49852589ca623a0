# SPDX-License-Identifier: GPL-3.0-or-later
# Image grid of claim r1 (reads grid_r1.csv through cifar_recall_grid.gpi).
file = dir."/grid_r1.csv"
label = "R1: 100 RGB images, noise std 5, L1 score beta = 1e6, up to 5 steps"
rgb = 1
load "experiments/cifar_recall_grid.gpi"
