# SPDX-License-Identifier: GPL-3.0-or-later
# The pedestrian video (64 x 48, binarised at each pixel's median): stored frames (top)
# and the frames recalled from frame 1 by SeqNet, x^2, x^3 and the exponential DenseNet
# at ten steps spread over the video. Reads grid_video.csv.
set terminal pngcairo size 1200,560 font ",11"
file = dir."/grid_video.csv"
rows = "stored SeqNet x^2 x^3 exp"
ttl = "vtest.avi (N = 3,072): stored and recalled frames"
load "experiments/sequence_memory_strip.gpi"
