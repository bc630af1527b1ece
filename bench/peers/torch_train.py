#!/usr/bin/env python3
"""PyTorch peer of `exp bench train`: the identical default model, sizes, optimizer and JSON fields.

    python bench/peers/torch_train.py [--model default|cnn2d] [--batch 32] [--frames 301] [--features 40] [--classes 8] [--threads 2]
                                      [--steps 15] [--json] [--compare exp.json keras.json ...]

Model (channels-last input [N, T, C], as exp): Conv1d 64 k5 · ReLU · MaxPool 2 · Conv1d 128 k5 · ReLU · MaxPool 2 ·
LSTM 128 (sequences) · LSTM 64 (last state) · Linear 64 · ReLU · Dropout 0.3 · Linear classes; Adam 1e-3, cross-entropy,
random normal data. --model cnn2d trains `exp bench train --model cnn2d`'s small 2-D CNN instead (input [N, T, F]):
Conv2d 16 3×3 pad 1 · ReLU · MaxPool2d 2 · Conv2d 32 3×3 pad 1 · ReLU · MaxPool2d 2 · mean over time · Linear
classes (PyTorch's native NCHW layout; exp runs channels-last). Training samples/s = batch / median step time after 3 warm-up steps; inference at batch 32 and
latency at batch 1 are medians of forward passes under torch.inference_mode(). GFLOP/s counts a training step as 3×
the forward FLOPs; MFU divides by the best 1024³ matmul this process measures. With --compare, prints the ratio of
every given report to this run.
train_step_cpu_ms is the median process CPU time of a step (all threads), which other jobs on a shared machine
disturb far less than the wall time; infer_cpu_ms is the same for one inference forward pass at batch 32.
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# Timed forward passes at batch 32 and batch 1, as `exp bench train` (medians; enough to outlast short bursts of
# other load on a shared machine).
INFERENCE_REPEATS = 30
LATENCY_REPEATS = 200


def default_stack_flops(frames, features, classes):
    """Forward FLOPs per example (2 per multiply-add of matmuls and convolutions), as exp counts them."""
    t1 = frames - 4
    t2 = t1 // 2 - 4
    t3 = t2 // 2
    return (2 * t1 * 64 * features * 5 + 2 * t2 * 128 * 64 * 5 + 2 * t3 * 4 * 128 * (128 + 128)
            + 2 * t3 * 4 * 64 * (128 + 64) + 2 * 64 * 64 + 2 * 64 * classes)


class DefaultStack(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.conv1 = nn.Conv1d(features, 64, 5)
        self.conv2 = nn.Conv1d(64, 128, 5)
        self.lstm1 = nn.LSTM(128, 128, batch_first=True)
        self.lstm2 = nn.LSTM(128, 64, batch_first=True)
        self.dense = nn.Linear(64, 64)
        self.dropout = nn.Dropout(0.3)
        self.out = nn.Linear(64, classes)

    def forward(self, x):
        y = F.max_pool1d(F.relu(self.conv1(x.transpose(1, 2))), 2)
        y = F.max_pool1d(F.relu(self.conv2(y)), 2).transpose(1, 2)
        y, _ = self.lstm1(y)
        _, (h, _) = self.lstm2(y)
        return self.out(self.dropout(F.relu(self.dense(h[-1]))))


def small_cnn2d_flops(frames, features, classes):
    """Forward FLOPs per example of the small 2-D CNN, as exp counts them (convolutions and the final Linear)."""
    t1, f1 = frames // 2, features // 2
    return (2 * frames * features * 16 * 9 + 2 * t1 * f1 * 32 * 16 * 9 + 2 * (features // 4) * 32 * classes)


class SmallCNN2D(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.out = nn.Linear(32 * (features // 4), classes)

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.conv1(x.unsqueeze(1))), 2)
        y = F.max_pool2d(F.relu(self.conv2(y)), 2)
        return self.out(y.mean(dim=2).flatten(1))


def gemm_peak(size=1024, repeats=8):
    a, b = torch.rand(size, size) * 2 - 1, torch.rand(size, size) * 2 - 1
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size ** 3 / best / 1e9


def run(args):
    torch.manual_seed(1)
    torch.set_num_threads(args.threads)
    peak = gemm_peak()
    model = DefaultStack(args.features, args.classes) if args.model == "default" else SmallCNN2D(args.features, args.classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(args.batch, args.frames, args.features)
    labels = torch.arange(args.batch) % args.classes
    times, cpu_times = [], []
    for step in range(3 + args.steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        optimizer.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        optimizer.step()
        if step >= 3:
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    model.eval()
    infer, infer_cpu, latency = [], [], []
    with torch.inference_mode():
        batch = x[:32]
        model(batch)
        for _ in range(INFERENCE_REPEATS):
            start, cpu_start = time.perf_counter(), time.process_time()
            model(batch)
            infer.append(time.perf_counter() - start)
            infer_cpu.append(time.process_time() - cpu_start)
        one = x[:1]
        model(one)
        for _ in range(LATENCY_REPEATS):
            start = time.perf_counter()
            model(one)
            latency.append(time.perf_counter() - start)
    flops = (default_stack_flops if args.model == "default" else small_cnn2d_flops)(args.frames, args.features, args.classes)
    step = statistics.median(times)
    rate = args.batch / step
    achieved = 3 * flops * rate / 1e9
    return {"framework": f"torch {torch.__version__}", "model": args.model, "batch": args.batch, "frames": args.frames,
            "features": args.features, "classes": args.classes, "threads": args.threads,
            "train_samples_per_s": rate, "train_step_ms": step * 1e3,
            "train_step_cpu_ms": statistics.median(cpu_times) * 1e3,
            "infer_samples_per_s": batch.shape[0] / statistics.median(infer),
            "infer_cpu_ms": statistics.median(infer_cpu) * 1e3,
            "latency_ms_b1": statistics.median(latency) * 1e3,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "flops_per_example": flops,
            "gflops": achieved, "gemm_peak_gflops": peak, "mfu": achieved / peak,
            "blas_kernel": torch.backends.cpu.get_cpu_capability(), "final_loss": loss.item()}


def summary(r):
    model = "" if r.get("model", "default") == "default" else " " + r["model"]
    return (f"{r['framework']}{model} [{r['blas_kernel']}, {r['threads']} threads] batch {r['batch']} × {r['frames']} × "
            f"{r['features']} → {r['classes']} classes: train {r['train_samples_per_s']:.0f} samples/s "
            f"({r['train_step_ms']:.1f} ms/step), infer {r['infer_samples_per_s']:.0f} samples/s, latency b1 "
            f"{r['latency_ms_b1']:.3f} ms, peak RSS {r['peak_rss_mb']:.0f} MB, {r['flops_per_example'] / 1e6:.2f} "
            f"MFLOP/example, {r['gflops']:.1f} GFLOP/s of {r['gemm_peak_gflops']:.1f} GEMM peak (MFU {100 * r['mfu']:.1f}%), "
            f"CPU {r['train_step_cpu_ms']:.1f} ms/step")


def compare(base, others):
    """Each report relative to `base` (higher is better, except latency and RSS where lower is better)."""
    for path in others:
        with open(path) as f:
            r = json.load(f)
        print(f"{r['framework']} / {base['framework']}: "
              f"train {r['train_samples_per_s'] / base['train_samples_per_s']:.2f}× "
              f"(per CPU second {base['train_step_cpu_ms'] / r['train_step_cpu_ms']:.2f}×), "
              f"infer {r['infer_samples_per_s'] / base['infer_samples_per_s']:.2f}×"
              + (f" (per CPU second {base['infer_cpu_ms'] / r['infer_cpu_ms']:.2f}×)" if 'infer_cpu_ms' in r and 'infer_cpu_ms' in base else "")
              + ", "
              f"latency b1 {r['latency_ms_b1']:.3f} vs {base['latency_ms_b1']:.3f} ms, "
              f"peak RSS {r['peak_rss_mb']:.0f} vs {base['peak_rss_mb']:.0f} MB")


def parse(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--model", choices=["default", "cnn2d"], default="default")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--frames", type=int, default=301)
    p.add_argument("--features", type=int, default=40)
    p.add_argument("--classes", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=15)
    p.add_argument("--json", action="store_true")
    p.add_argument("--compare", nargs="*", default=[])
    return p.parse_args()


if __name__ == "__main__":
    args = parse(__doc__.splitlines()[0])
    report = run(args)
    print(json.dumps(report, sort_keys=True) if args.json else summary(report))
    compare(report, args.compare)
