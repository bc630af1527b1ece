#!/usr/bin/env python3
"""Writes the NeuralNet training-engine fixtures (Tests/Reference/Data/train/) with PyTorch.

- loss.json: nn.CrossEntropyLoss with class weights and label smoothing (mean and sum): value and d/dlogits.
- optimizers.json: SGD (momentum, Nesterov, weight decay), Adam, AdamW, RMSprop (plain, centered+momentum) on two
  small tensors fed a fixed gradient sequence; the parameters after every step.
- schedules.json: the learning rate over 30 steps of each schedule (ReduceLROnPlateau fed a fixed metric sequence).
- clipping.json: clip_grad_norm_ (pre-clip norm, clipped gradients) and clip_grad_value_.
- full_step.json: one training step of the default stack (conv/relu/pool ×2, LSTM 128 seq, LSTM 64, dense 64 relu,
  dropout 0, dense 8) on N=2, T=24, C=6 with weights from a formula both sides compute (`formula_weights`): the
  loss, every gradient and the weights after one SGD and one Adam step. Large tensors are summarised by their sum,
  L2 norm and 256 evenly spaced samples to keep the file small.
- interop.safetensors: a small conv/LSTM/linear model saved by safetensors.torch.save_file; our writer must produce
  the same bytes (CheckpointTests), and this script proves torch loads it with load_state_dict(strict=True).

Run: python make_train_reference.py   (pinned versions in requirements-train.txt; `make parity`). Tests never run
Python.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file, load_file

torch.manual_seed(20261126)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Data", "train")
SAMPLES = 256


def values(t):
    return [float(np.float32(v)) for v in t.detach().to(torch.float32).reshape(-1).numpy()]


def tensor_json(t):
    return {"shape": list(t.shape), "values": values(t)}


def summary_json(t):
    """Whole tensor when small; else sum, L2 norm (in double) and SAMPLES evenly spaced entries."""
    flat = t.detach().to(torch.float64).reshape(-1)
    n = flat.numel()
    if n <= SAMPLES:
        idx = list(range(n))
    else:
        idx = [(k * n) // SAMPLES for k in range(SAMPLES)]
    return {"shape": list(t.shape), "sum": float(flat.sum()), "norm": float(flat.norm()),
            "indices": idx, "values": [float(np.float32(flat[i].item())) for i in idx]}


def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def formula_weights(shape, tensor_index):
    """w[i] = (2u − 1)·s, u = ((i·2654435761 + t·40503 + 12345) mod 2³²) / 2³², s = 1/√(count/shape[0]) for
    matrices and 0.1 for vectors; computed in double, rounded once to float32 (TrainingParityTests does the same)."""
    count = int(np.prod(shape))
    i = np.arange(count, dtype=np.uint64)
    u = ((i * np.uint64(2654435761) + np.uint64(tensor_index * 40503 + 12345)) % np.uint64(2**32)).astype(np.float64) / 2.0**32
    scale = 1.0 / math.sqrt(count / shape[0]) if len(shape) > 1 else 0.1
    return torch.from_numpy(((2.0 * u - 1.0) * scale).astype(np.float32).reshape(shape))


def loss_fixture():
    cases = []
    logits = torch.randn(7, 5) * 3
    labels = torch.tensor([0, 4, 2, 2, 1, 3, 0])
    weights = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.75])
    for name, w, eps, reduction in [("weighted_smoothed_mean", weights, 0.1, "mean"),
                                    ("weighted_smoothed_sum", weights, 0.2, "sum"),
                                    ("plain_mean", None, 0.0, "mean"),
                                    ("smoothed_mean", None, 0.15, "mean")]:
        z = logits.clone().requires_grad_(True)
        loss = nn.CrossEntropyLoss(weight=w, label_smoothing=eps, reduction=reduction)(z, labels)
        loss.backward()
        cases.append({"name": name, "logits": tensor_json(z), "labels": labels.tolist(),
                      "class_weights": None if w is None else values(w), "label_smoothing": eps,
                      "reduction": reduction, "value": float(loss), "gradient": tensor_json(z.grad)})
    dump("loss.json", cases)


def optimizer_fixture():
    p0 = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn(3, 4), torch.randn(5)] for _ in range(6)]
    configs = [
        ("sgd_weight_decay", "sgd", dict(lr=0.1, weight_decay=0.01)),
        ("sgd_momentum", "sgd", dict(lr=0.05, momentum=0.9)),
        ("sgd_nesterov_weight_decay", "sgd", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05)),
        ("adam", "adam", dict(lr=0.01)),
        ("adam_weight_decay", "adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
        ("adamw", "adamw", dict(lr=0.01, weight_decay=0.1)),
        ("rmsprop", "rmsprop", dict(lr=0.01)),
        ("rmsprop_centered_momentum", "rmsprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ]
    classes = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
               "rmsprop": torch.optim.RMSprop}
    cases = []
    for name, kind, options in configs:
        params = [p.clone().requires_grad_(True) for p in p0]
        opt = classes[kind](params, foreach=False, **options)
        steps = []
        for g in grads:
            for p, gi in zip(params, g):
                p.grad = gi.clone()
            opt.step()
            steps.append([values(p) for p in params])
        opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}
        cases.append({"name": name, "kind": kind, "options": opts, "steps": steps})
    dump("optimizers.json", {"initial": [tensor_json(p) for p in p0],
                             "gradients": [[values(g) for g in step] for step in grads], "cases": cases})


def schedule_fixture():
    base, steps = 0.1, 30
    out = []

    def run(name, make, metrics=None, options=None):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base)
        sched = make(opt)
        rates = [opt.param_groups[0]["lr"]]
        for k in range(steps):
            opt.step()
            if metrics is None:
                sched.step()
            else:
                sched.step(metrics[k])
            rates.append(opt.param_groups[0]["lr"])
        out.append({"name": name, "base": base, "options": options or {}, "metrics": metrics, "rates": rates})

    run("constant", lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda k: 1.0))
    run("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5), options={"step_size": 7, "gamma": 0.5})
    run("exponential", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), options={"gamma": 0.9})
    warmup, total, minimum = 5, 25, 0.01

    def cosine(k):
        if k < warmup:
            return (k + 1) / warmup
        progress = min(1.0, (k - warmup) / max(1, total - warmup))
        return (minimum + (base - minimum) * 0.5 * (1 + math.cos(math.pi * progress))) / base

    run("cosine", lambda o: torch.optim.lr_scheduler.LambdaLR(o, cosine),
        options={"warmup_steps": warmup, "total_steps": total, "min_lr": minimum})
    metrics_min = [1.0, 0.9, 0.85, 0.85, 0.8499, 0.86, 0.87, 0.84, 0.84, 0.84, 0.84, 0.83, 0.83, 0.83, 0.83,
                   0.83, 0.829, 0.829, 0.829, 0.829, 0.829, 0.82, 0.82, 0.82, 0.82, 0.82, 0.82, 0.82, 0.82, 0.82]
    run("plateau_min", lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2,
                                                                          cooldown=1, min_lr=0.01),
        metrics=metrics_min, options={"mode": "min", "factor": 0.5, "patience": 2, "cooldown": 1, "min_lr": 0.01})
    metrics_max = [0.3 + 0.01 * k if k < 10 else 0.4 + (0.00001 if k % 3 == 0 else 0) for k in range(steps)]
    run("plateau_max", lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=3),
        metrics=metrics_max, options={"mode": "max", "factor": 0.3, "patience": 3, "cooldown": 0, "min_lr": 0.0})
    dump("schedules.json", out)


def clipping_fixture():
    grads = [torch.randn(4, 3) * 2, torch.randn(6)]
    cases = []
    for max_norm in [1.0, 100.0]:
        params = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
        cases.append({"max_norm": max_norm, "norm": float(norm), "clipped": [values(p.grad) for p in params]})
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(params, 1.5)
    dump("clipping.json", {"gradients": [tensor_json(g) for g in grads], "norm_cases": cases,
                           "value_limit": 1.5, "value_clipped": [values(p.grad) for p in params]})


class DefaultStack(nn.Module):
    """Our Sequential's layer indices as module names, so state_dict names match ours."""

    def __init__(self, features, classes):
        super().__init__()
        self.add_module("0", nn.Conv1d(features, 64, 5))
        self.add_module("3", nn.Conv1d(64, 128, 5))
        self.add_module("6", nn.LSTM(128, 128, batch_first=True))
        self.add_module("7", nn.LSTM(128, 64, batch_first=True))
        self.add_module("8", nn.Linear(64, 64))
        self.add_module("11", nn.Linear(64, classes))

    def forward(self, x):  # x [N, T, C]
        m = dict(self.named_children())
        y = F.max_pool1d(F.relu(m["0"](x.transpose(1, 2))), 2)
        y = F.max_pool1d(F.relu(m["3"](y)), 2).transpose(1, 2)
        y, _ = m["6"](y)
        _, (h, _) = m["7"](y)
        y = F.relu(m["8"](h[-1]))
        y = F.dropout(y, p=0.0, training=True)
        return m["11"](y)


def full_step_fixture():
    n, t, c, classes = 2, 24, 6, 8
    model = DefaultStack(c, classes)
    with torch.no_grad():
        for index, (name, p) in enumerate(model.named_parameters()):
            p.copy_(formula_weights(tuple(p.shape), index))
    names = [name for name, _ in model.named_parameters()]
    x = torch.randn(n, t, c)
    labels = torch.tensor([3, 6])
    weights = torch.tensor([1.0, 0.5, 1.0, 2.0, 1.0, 1.0, 0.8, 1.0])
    loss_fn = nn.CrossEntropyLoss(weight=weights, label_smoothing=0.1)

    def gradients(m):
        m.zero_grad()
        logits = m(x)
        loss = loss_fn(logits, labels)
        loss.backward()
        return logits, loss

    logits, loss = gradients(model)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    result = {"input": tensor_json(x), "labels": labels.tolist(), "class_weights": values(weights),
              "label_smoothing": 0.1, "parameter_order": names, "logits": tensor_json(logits), "loss": float(loss),
              "gradients": {k: summary_json(p.grad) for k, p in model.named_parameters()}}
    for opt_name, make in [("sgd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, foreach=False)),
                           ("adam", lambda ps: torch.optim.Adam(ps, lr=1e-3, foreach=False))]:
        model.load_state_dict(initial)
        gradients(model)
        make(model.parameters()).step()
        result["after_" + opt_name] = {k: summary_json(p) for k, p in model.named_parameters()}
    dump("full_step.json", result)


class InteropModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module("0", nn.Conv1d(6, 4, 3))
        self.add_module("2", nn.LSTM(4, 3, batch_first=True))
        self.add_module("3", nn.Linear(3, 2))


def interop_fixture():
    """Our writer reproduces these bytes (CheckpointTests); torch loads them into the matching module."""
    model = InteropModel()
    tensors = {}
    for index, (name, p) in enumerate(model.named_parameters()):
        tensors[name] = formula_weights(tuple(p.shape), index)
    path = os.path.join(OUT, "interop.safetensors")
    save_file(tensors, path, metadata={"classes": "neutral,calm"})
    fresh = InteropModel()
    fresh.load_state_dict(load_file(path), strict=True)
    for name, p in fresh.named_parameters():
        assert torch.equal(p.detach(), tensors[name]), name


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    loss_fixture()
    optimizer_fixture()
    schedule_fixture()
    clipping_fixture()
    full_step_fixture()
    interop_fixture()
    print("wrote", sorted(os.listdir(OUT)))
