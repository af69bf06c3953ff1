#!/usr/bin/python3
"""PyTorch reference for `npm run bench`: the same dense multi-task MLP as mtlc, on the data the bench exported.

Model: x (dense 0/1 fingerprint) -> [Linear, ReLU, Dropout] per hidden width -> Linear(K) logits.
Loss: binary cross-entropy with logits summed over the admitted (row, task) pairs of the batch, divided by
their count (at least 1) -- the same masked loss as lib/model/network.ts. Adam (PyTorch defaults beta, eps),
PyTorch's default Linear initialisation, seeded shuffles. Prints one JSON line: samples/s and per-task AUROC.

usage: torch_peer.py DATA_DIR SEED
"""
import json
import os
import sys
import time

import numpy as np
import torch


def auroc(y, p):
    """Rank-sum AUROC with average ranks for ties; None for a one-class set."""
    y = np.asarray(y)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(p, kind="mergesort")
    sp = np.asarray(p)[order]
    ranks = np.empty(len(p))
    i = 0
    while i < len(sp):
        j = i + 1
        while j < len(sp) and sp[j] == sp[i]:
            j += 1
        ranks[order[i:j]] = (i + 1 + j) / 2.0
        i = j
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main():
    data_dir, seed = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    n, dim, k = meta["nRows"], meta["dim"], len(meta["tasks"])
    read = lambda name, dtype: np.fromfile(os.path.join(data_dir, name), dtype=dtype)
    offsets, indices = read("offsets.i32", np.int32), read("indices.i32", np.int32)
    x = np.zeros((n, dim), dtype=np.float32)
    rows = np.repeat(np.arange(n), np.diff(offsets))
    x[rows, indices] = 1.0
    x = torch.from_numpy(x)
    y = torch.from_numpy(read("y.f32", np.float32).reshape(n, k))
    train_mask = torch.from_numpy(read("train_mask.f32", np.float32).reshape(n, k))
    observed = read("observed.f32", np.float32).reshape(n, k)
    train_rows = torch.from_numpy(read("train_rows.i32", np.int32).astype(np.int64))
    test_rows = read("test_rows.i32", np.int32)

    layers, fan_in = [], dim
    for width in meta["hidden"]:
        layers += [torch.nn.Linear(fan_in, width), torch.nn.ReLU(), torch.nn.Dropout(meta["dropout"])]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, k))
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=meta["learningRate"])
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    batch_size, epochs = meta["batchSize"], meta["epochs"]

    started = time.perf_counter()
    model.train()
    for _ in range(epochs):
        perm = train_rows[torch.randperm(len(train_rows))]
        for s in range(0, len(perm), batch_size):
            b = perm[s:s + batch_size]
            m = train_mask[b]
            loss = (bce(model(x[b]), y[b]) * m).sum() / m.sum().clamp(min=1.0)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - started

    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(model(x[torch.from_numpy(test_rows.astype(np.int64))])).numpy()
    yy = y.numpy()
    aurocs = {}
    for j, task in enumerate(meta["tasks"]):
        sel = observed[test_rows, j] > 0
        aurocs[task] = auroc(yy[test_rows[sel], j], p[sel, j])
    defined = [a for a in aurocs.values() if a is not None]
    samples = epochs * len(train_rows)
    print(json.dumps({
        "impl": "pytorch", "version": torch.__version__, "seed": seed, "seconds": seconds,
        "samples": samples, "samplesPerSecond": samples / seconds,
        "macroAuroc": sum(defined) / len(defined) if defined else None, "auroc": aurocs,
    }))


if __name__ == "__main__":
    main()
