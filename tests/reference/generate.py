#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference values for tests/test_reference.c from an independent implementation.

Run by developers, never by `make check` (which needs no Python):
    python3 tests/reference/generate.py [NAME ...]   (needs NumPy: Debian python3-numpy)
It writes tests/reference/{classical,uhn,mhc}.txt, and, when PyTorch is installed (Debian
python3-torch), attention.txt (multi-head attention by torch.nn.MultiheadAttention in
float64, the standard implementation lib/memory/hop_attn.h's Hopfield form is compared
with) and cnn.txt (lib/learn/hop_cnn.h's network written with torch.nn layers in float64:
logits, loss, gradients, and three steps of torch.optim.SGD with momentum). NAMEs pick
some of classical, uhn, mhc, attention, cnn (default: all; the first three share one
random stream and are always written together). Each model is written here from its
equations (the top comments of lib/memory/hop_classical.h, lib/memory/hop_uhn.h and
lib/learn/hop_mhc.h), in float64 NumPy, without looking at the C loops. Inputs are drawn
from a seeded NumPy generator and rounded to float32, so that the C library (which works
in float) reads exactly the same inputs from the file.

File format: comment lines start with '#'; a block is a line "@ NAME COUNT" followed by
COUNT lines of one number each (inputs printed exactly, results with 17 digits).
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class Writer:
    def __init__(self, name, what):
        self.path = os.path.join(HERE, name)
        self.lines = [
            f"# {what}",
            f"# written by tests/reference/generate.py with NumPy {np.__version__}; "
            "regenerate: python3 tests/reference/generate.py",
        ]

    def put(self, key, values):
        v = np.asarray(values, dtype=np.float64).ravel()
        self.lines.append(f"@ {key} {v.size}")
        self.lines.extend(repr(float(x)) for x in v)

    def close(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def pm1(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def sgn_keep(h, s):
    """sgn(h), keeping s where h == 0."""
    return np.where(h > 0, 1.0, np.where(h < 0, -1.0, s))


def classical(rng):
    """Hopfield 1982: W = (1/N) sum xi xi^T, W_ii = 0; E = -1/2 s.W s; async and sync."""
    n, p = 12, 3
    w = Writer("classical.txt", "classical Hopfield network (lib/memory/hop_classical.h)")
    xi = pm1(rng, (p, n))
    s = pm1(rng, n)
    order = rng.permutation(n)
    c = xi.T @ xi
    np.fill_diagonal(c, 0.0)
    w.put("xi", xi)
    w.put("s", s)
    w.put("order", order)
    w.put("energy", -0.5 * s @ (c / n) @ s)
    w.put("fields", c @ s)
    a = s.copy()
    flips = 0
    for i in order:                       # sequential: each update sees the previous ones
        new = sgn_keep(c[i] @ a, a[i])
        flips += new != a[i]
        a[i] = new
    w.put("async_sweep", a)
    w.put("async_flips", [flips])
    w.put("sync_step", sgn_keep(c @ s, s))
    w.close()


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def uhn(rng):
    """Millidge et al. 2022: q <- X^T softmax(beta sim(X, q)), one step, each similarity."""
    p, d, b = 6, 5, 2
    beta, beta_l1 = 0.7, 2.5
    w = Writer("uhn.txt", "UHN retrieval, one step, softmax separation (lib/memory/hop_uhn.h)")
    x = f32(rng.normal(0.0, 1.0, (p, d)))
    q = f32(x[[1, 4]] + rng.normal(0.0, 0.4, (b, d)))
    w.put("x", x)
    w.put("q", q)
    w.put("beta", [beta])
    w.put("beta_l1", [beta_l1])
    sims = {
        "dot": lambda xi, qq: xi @ qq,
        "cosine": lambda xi, qq: xi @ qq / (np.linalg.norm(xi) * np.linalg.norm(qq)),
        "euclidean": lambda xi, qq: -np.linalg.norm(xi - qq),
        "manhattan": lambda xi, qq: -np.abs(xi - qq).sum(),
        "l1score": lambda xi, qq: beta_l1 / (1.0 + np.abs(xi - qq).sum()),
    }
    for name, sim in sims.items():
        out = []
        for qq in q:
            s = np.array([sim(xi, qq) for xi in x])
            out.append(x.T @ softmax(s if name == "l1score" else beta * s))
        w.put("step_" + name, out)
    # energy of the dot-product network (Ramsauer et al. 2020), first query
    q0 = q[0]
    z = beta * (x @ q0)
    lse = z.max() + np.log(np.exp(z - z.max()).sum())
    m = np.sqrt((x * x).sum(axis=1)).max()
    w.put("energy", -lse / beta + 0.5 * q0 @ q0 + np.log(p) / beta + 0.5 * m * m)
    w.close()


def mhc(rng):
    """Krotov & Hopfield 2021 dynamics, Joshi et al. 2023 local rule (eqs. 1-3)."""
    nf, nh = 7, 3
    tau_v, tau_h, beta, dt, eta, label = 1.0, 0.1, 1.7, 0.1, 0.5, 1
    w = Writer("mhc.txt", "Modern Hopfield Classifier: one training step, Euler inference, energy "
               "(lib/learn/hop_mhc.h)")
    wm = f32(rng.normal(0.0, 0.3, (nh, nf)))   # W stored (nh, nf): class j's weights contiguous
    x = f32(rng.normal(0.0, 1.0, nf))
    h = f32(rng.normal(0.0, 0.5, nh))
    w.put("params", [tau_v, tau_h, beta, dt, eta, label])
    w.put("w", wm)
    w.put("x", x)
    w.put("h", h)
    f = softmax(beta * h)
    t = np.eye(nh)[label]
    for reading, sign in (("printed", 1.0), ("damped", -1.0)):
        a = dt * eta * (t - f)                               # (nh)
        w_new = wm + a[:, None] * x[None, :] * np.exp(sign * np.abs(wm))
        h_new = h + dt / tau_h * (-h + wm @ x)               # from the state before W moves
        w.put("train_w_" + reading, w_new)
        w.put("train_h_" + reading, h_new)
    # inference: v = x, h = 0, 25 explicit Euler steps of eqs. 1-2 from the same state
    steps, dti = 25, 0.05
    v, hh = x.copy(), np.zeros(nh)
    for _ in range(steps):
        ff = softmax(beta * hh)
        v, hh = v + dti / tau_v * (-v + wm.T @ ff), hh + dti / tau_h * (-hh + wm @ v)
    w.put("infer_params", [steps, dti])
    w.put("infer_v", v)
    w.put("infer_h", hh)
    w.put("infer_label", [int(np.argmax(hh))])
    # energy E = 1/2 |v|^2 + h.f - (1/beta) logsumexp(beta h) - v^T W f at (x, h)
    z = beta * h
    lse = z.max() + np.log(np.exp(z - z.max()).sum())
    w.put("energy", 0.5 * x @ x + h @ f - lse / beta - x @ (wm.T @ f))
    w.close()


def mnist_patch_tokens(path, dm):
    """The first MNIST test image as 16 tokens: 7x7 patches (row-major over the 4x4 grid of
    patches), pixels / 255, a seeded linear embedding to dm, plus sinusoidal positions
    (Vaswani et al. 2017: sin on even, cos on odd components, base 10000)."""
    with open(path, "rb") as f:
        raw = f.read()
    img = np.frombuffer(raw[16:16 + 784], dtype=np.uint8).reshape(28, 28) / 255.0
    patches = img.reshape(4, 7, 4, 7).transpose(0, 2, 1, 3).reshape(16, 49)
    pos = np.arange(16)[:, None] / 10000.0 ** (2 * (np.arange(dm)[None, :] // 2) / dm)
    sinus = np.where(np.arange(dm)[None, :] % 2 == 0, np.sin(pos), np.cos(pos))
    return patches, sinus


def attention(rng):
    """Multi-head self-attention (Vaswani et al. 2017) by PyTorch, on MNIST patch tokens."""
    try:
        import torch
    except ImportError:
        print("generate.py: PyTorch not installed (Debian python3-torch): attention.txt left as it is")
        return
    n, dm, heads = 16, 32, 4
    dk = dm // heads
    path = os.path.join(HERE, "..", "..", "data", "mnist", "t10k-images-idx3-ubyte")
    patches, sinus = mnist_patch_tokens(path, dm)
    emb = rng.normal(0.0, 1.0 / np.sqrt(49), (49, dm))
    t = patches @ emb + sinus
    mha = torch.nn.MultiheadAttention(dm, heads, bias=False).double()
    wq, wk, wv = (rng.normal(0.0, 1.0 / np.sqrt(dm), (dm, dm)) for _ in range(3))
    wo = rng.normal(0.0, 1.0 / np.sqrt(dm), (dm, dm))
    with torch.no_grad():   # torch computes x W^T: its weights are the transposes of ours
        mha.in_proj_weight.copy_(torch.from_numpy(np.concatenate([wq.T, wk.T, wv.T])))
        mha.out_proj.weight.copy_(torch.from_numpy(wo.T))
        x = torch.from_numpy(t)[:, None, :]
        out, _ = mha(x, x, x, need_weights=False)
    w = Writer("attention.txt", f"multi-head self-attention by torch.nn.MultiheadAttention (PyTorch "
               f"{torch.__version__}, float64) on the first MNIST test image's 7x7 patches "
               f"(lib/memory/hop_attn.h); per head h: columns h*{dk}.. of W_Q, W_K, W_V, rows of W_O")
    w.put("tokens", t)
    w.put("wq", wq)
    w.put("wk", wk)
    w.put("wv", wv)
    w.put("wo", wo)
    w.put("out", out[:, 0, :].numpy())
    w.close()


def cnn(rng):
    """lib/learn/hop_cnn.h's network (conv 5x5, ReLU, 2x2 max-pool, twice; a ReLU feature
    layer; a linear head; mean softmax cross-entropy) as torch.nn layers in float64, on
    float32-exact inputs and parameters; then three SGD steps with momentum."""
    try:
        import torch
    except ImportError:
        print("generate.py: PyTorch not installed (Debian python3-torch): cnn.txt left as it is")
        return
    c1, c2, feat, classes, batch, lr, mom = 3, 4, 6, 10, 4, 0.1, 0.9
    x = f32(rng.random((batch, 28 * 28)))
    y = rng.integers(0, classes, batch)
    shapes = [(c1, 1, 5, 5), (c1,), (c2, c1, 5, 5), (c2,), (feat, c2 * 16), (feat,),
              (classes, feat), (classes,)]
    params = [torch.tensor(f32(rng.normal(0.0, 0.2, sh)), requires_grad=True) for sh in shapes]
    torch.set_default_dtype(torch.float64)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, c1, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(c1, c2, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(c2 * 16, feat), torch.nn.ReLU(), torch.nn.Linear(feat, classes))
    layers = [net[0], net[3], net[7], net[9]]
    with torch.no_grad():
        for k, layer in enumerate(layers):
            layer.weight.copy_(params[2 * k])
            layer.bias.copy_(params[2 * k + 1])
    order = [t for layer in layers for t in (layer.weight, layer.bias)]
    xt = torch.tensor(x).reshape(batch, 1, 28, 28)
    yt = torch.tensor(y)
    flat = lambda ts: np.concatenate([t.detach().numpy().ravel() for t in ts])
    w = Writer("cnn.txt", f"the CNN of lib/learn/hop_cnn.h as torch.nn layers (PyTorch "
               f"{torch.__version__}, float64): c1 {c1}, c2 {c2}, feat {feat}, classes {classes}, "
               f"batch {batch}; SGD lr {lr}, momentum {mom}")
    w.put("arch", [c1, c2, feat, classes])
    w.put("x", x)
    w.put("y", y)
    w.put("params", flat(order))
    opt = torch.optim.SGD(order, lr=lr, momentum=mom)
    losses = []
    for step in range(3):
        opt.zero_grad()
        logits = net(xt)
        loss = torch.nn.functional.cross_entropy(logits, yt)
        loss.backward()
        if step == 0:
            w.put("logits", logits.detach().numpy())
            w.put("loss", [loss.item()])
            w.put("grad", flat([t.grad for t in order]))
        losses.append(loss.item())
        opt.step()
    w.put("sgd_losses", losses)
    w.put("sgd_params", flat(order))
    w.close()


if __name__ == "__main__":
    import sys
    want = sys.argv[1:] or ["classical", "uhn", "mhc", "attention", "cnn"]
    if {"classical", "uhn", "mhc"} & set(want):  # one stream: the three are written together
        rng = np.random.default_rng(2385)
        classical(rng)
        uhn(rng)
        mhc(rng)
    if "attention" in want:
        attention(np.random.default_rng(2386))
    if "cnn" in want:
        cnn(np.random.default_rng(2387))
