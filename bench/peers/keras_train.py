#!/usr/bin/env python3
"""Keras (TensorFlow CPU) peer of `exp bench train`: the identical default model, sizes, optimizer and JSON fields.

    python bench/peers/keras_train.py [--batch 32] [--frames 301] [--features 40] [--classes 8] [--threads 2]
                                      [--steps 15] [--json] [--compare exp.json ...]

Model: Conv1D 64 k5 relu · MaxPool 2 · Conv1D 128 k5 relu · MaxPool 2 · LSTM 128 (sequences) · LSTM 64 · Dense 64 relu ·
Dropout 0.3 · Dense classes (logits); Adam 1e-3, sparse categorical cross-entropy from logits, random normal data.
Training uses model.train_on_batch (a compiled tf.function step); samples/s = batch / median step time after 3
warm-up steps; inference and latency are medians of the compiled model(x, training=False). Same FLOP accounting as
torch_train.py.
train_step_cpu_ms is the median process CPU time of a step (all threads), which other jobs on a shared machine
disturb far less than the wall time; infer_cpu_ms is the same for one inference pass at batch 32.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

from torch_train import INFERENCE_REPEATS, LATENCY_REPEATS, compare, default_stack_flops, parse, summary  # noqa: E402


def gemm_peak(size=1024, repeats=8):
    a = tf.random.uniform((size, size), -1, 1)
    b = tf.random.uniform((size, size), -1, 1)
    tf.linalg.matmul(a, b).numpy()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size ** 3 / best / 1e9


def run(args):
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(1)
    peak = gemm_peak()
    model = keras.Sequential([
        keras.Input((args.frames, args.features)),
        keras.layers.Conv1D(64, 5, activation="relu"), keras.layers.MaxPooling1D(2),
        keras.layers.Conv1D(128, 5, activation="relu"), keras.layers.MaxPooling1D(2),
        keras.layers.LSTM(128, return_sequences=True), keras.layers.LSTM(64),
        keras.layers.Dense(64, activation="relu"), keras.layers.Dropout(0.3), keras.layers.Dense(args.classes),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(1)
    x = rng.standard_normal((args.batch, args.frames, args.features)).astype(np.float32)
    labels = np.arange(args.batch) % args.classes
    times, cpu_times = [], []
    for step in range(3 + args.steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = model.train_on_batch(x, labels)
        if step >= 3:
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    predict = tf.function(lambda batch: model(batch, training=False))
    infer, infer_cpu, latency = [], [], []
    batch = tf.constant(x[:32])
    predict(batch).numpy()
    for _ in range(INFERENCE_REPEATS):
        start, cpu_start = time.perf_counter(), time.process_time()
        predict(batch).numpy()
        infer.append(time.perf_counter() - start)
        infer_cpu.append(time.process_time() - cpu_start)
    one = tf.constant(x[:1])
    predict(one).numpy()
    for _ in range(LATENCY_REPEATS):
        start = time.perf_counter()
        predict(one).numpy()
        latency.append(time.perf_counter() - start)
    flops = default_stack_flops(args.frames, args.features, args.classes)
    step = statistics.median(times)
    rate = args.batch / step
    achieved = 3 * flops * rate / 1e9
    return {"framework": f"keras {keras.__version__} / tf {tf.__version__}", "batch": args.batch,
            "frames": args.frames, "features": args.features, "classes": args.classes, "threads": args.threads,
            "train_samples_per_s": rate, "train_step_ms": step * 1e3,
            "train_step_cpu_ms": statistics.median(cpu_times) * 1e3,
            "infer_samples_per_s": batch.shape[0] / statistics.median(infer),
            "infer_cpu_ms": statistics.median(infer_cpu) * 1e3,
            "latency_ms_b1": statistics.median(latency) * 1e3,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "flops_per_example": flops,
            "gflops": achieved, "gemm_peak_gflops": peak, "mfu": achieved / peak, "blas_kernel": "eigen/onednn",
            "final_loss": float(np.asarray(loss).reshape(-1)[0])}


if __name__ == "__main__":
    args = parse(__doc__.splitlines()[0])
    report = run(args)
    print(json.dumps(report, sort_keys=True) if args.json else summary(report))
    compare(report, args.compare)
