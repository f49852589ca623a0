# SPDX-License-Identifier: GPL-3.0-or-later
# bench_torch.py: the cnn_wells reference network in PyTorch, timed as bin/bench times
# ours (same shapes, batch 64, SGD with momentum, random images): conv 5x5 1->32, ReLU,
# max-pool 2, conv 5x5 32->64, ReLU, max-pool 2, FC 1024->128, ReLU, FC 128->10.
# Usage: python3 tests/bench_torch.py N THREADS; prints "torch VERSION SECONDS" where
# SECONDS is the median of 3 passes over N images, scaled to 60,000 images.
import sys
import time

import torch

n, threads = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)
net = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
    torch.nn.Linear(1024, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.rand(n, 1, 28, 28)
y = torch.randint(0, 10, (n,))


def one_pass():
    t = time.perf_counter()
    for s in range(0, n, 64):
        opt.zero_grad()
        loss_fn(net(x[s:s + 64]), y[s:s + 64]).backward()
        opt.step()
    return time.perf_counter() - t


one_pass()  # warm-up
times = sorted(one_pass() for _ in range(3))
print("torch %s %.4f" % (torch.__version__, times[1] * 60000.0 / n))
