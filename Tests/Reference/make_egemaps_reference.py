#!/usr/bin/env python3
"""Writes openSMILE 2.6's eGeMAPS v02 low-level descriptors and functionals for signals with known answers.

Run from the package root with the pinned environment (Tests/Reference/requirements-egemaps.txt):

    bench/.venv/bin/python Tests/Reference/make_egemaps_reference.py [demo-clip.wav ...]

Each clip is written as a 16-bit WAV under Data/egemaps/ and read back, so openSMILE and the Swift tests see
the same float samples (x / 32768). Demo-corpus clips given on the command line (rendered by `exp data synth`)
are resampled to 16 kHz and cut to their first 2 s so the fixtures stay small. One JSON file holds, per clip, the 25 LLD columns
(frames first, `[T, 25]`) and the 88 functionals, with openSMILE's column names.
"""
import json
import os
import sys

import numpy as np
import opensmile
import soundfile as sf

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Data", "egemaps")
OUT = os.path.join(DATA, "egemaps_reference.json")
RATE = 16000


def tone(freq, seconds, amplitude):
    t = np.arange(int(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * freq * t)


def resonate(x, formants):
    """Cascade of two-pole resonators (frequency, bandwidth) in Hz: a crude vocal tract."""
    y = x.copy()
    for f, bw in formants:
        r = np.exp(-np.pi * bw / RATE)
        a1, a2 = -2 * r * np.cos(2 * np.pi * f / RATE), r * r
        out = np.zeros_like(y)
        for n in range(len(y)):
            out[n] = y[n] - a1 * (out[n - 1] if n > 0 else 0) - a2 * (out[n - 2] if n > 1 else 0)
        y = out
    return y


def glottal_train(f0, seconds, jitter, seed, shimmer=0.0):
    """Rosenberg-shaped glottal pulses at f0 Hz; each period drawn with relative std `jitter`."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    x = np.zeros(n)
    pos = 0.02 * RATE
    while pos < n - 0.02 * RATE:
        period = RATE / f0 * (1 + jitter * rng.standard_normal())
        amp = 1 + shimmer * rng.standard_normal()
        open_len = int(0.6 * period)
        k = np.arange(open_len)
        pulse = np.where(k < 0.66 * open_len, 0.5 * (1 - np.cos(np.pi * k / (0.66 * open_len))),
                         np.cos(np.pi * (k - 0.66 * open_len) / (2 * 0.34 * open_len)))
        start = int(pos)
        end = min(n, start + open_len)
        x[start:end] += amp * pulse[: end - start]
        pos += period
    d = np.diff(x, prepend=0.0)  # lip radiation
    y = resonate(d, [(700, 80), (1220, 90), (2600, 120)])
    return 0.3 * y / np.max(np.abs(y))


def synthetic():
    rng = np.random.default_rng(15)
    clips = {
        "sine220": tone(220, 0.8, 0.5),
        "sine1500_quiet": tone(1500, 0.8, 0.01),
        "silence": np.zeros(int(0.5 * RATE)),
        "clipped_glottal130": np.clip(4 * glottal_train(130, 0.8, 0.02, seed=4), -1, 32767 / 32768),
        "noise": 0.1 * rng.standard_normal(int(0.8 * RATE)),
        "glottal120_jitter1": glottal_train(120, 1.0, 0.01, seed=1),
        "glottal200_steady": glottal_train(200, 1.0, 0.0, seed=2),
        "glottal150_jitter3_shimmer": glottal_train(150, 1.0, 0.03, seed=3, shimmer=0.1),
    }
    # A voiced stretch between two pauses: voicing segments, rising and falling pitch.
    t = np.arange(int(1.2 * RATE)) / RATE
    sweep = 0.4 * np.sin(2 * np.pi * (110 * t + 60 * t * t))
    sweep[(t < 0.2) | (t > 1.0)] = 0
    clips["sweep_with_pauses"] = sweep + 0.001 * rng.standard_normal(len(t))
    return clips


def demo(paths):
    import audresample  # installed with opensmile (audinterface)
    clips = {}
    for path in paths:
        y, rate = sf.read(path, dtype="float32", always_2d=True)
        y = y.mean(axis=1)
        if rate != RATE:
            y = audresample.resample(y, rate, RATE)[0]
        clips["demo_" + os.path.splitext(os.path.basename(path))[0]] = y[: 2 * RATE]
    return clips


def short(v):
    """A float32 value to 7 significant digits (its last digit is rounding noise across platforms anyway)."""
    return float("%.7g" % np.float32(v))


def main():
    os.makedirs(DATA, exist_ok=True)
    lld = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                          feature_level=opensmile.FeatureLevel.LowLevelDescriptors)
    func = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                           feature_level=opensmile.FeatureLevel.Functionals)
    clips = synthetic()
    clips.update(demo(sys.argv[1:]))
    out = []
    for name, y in clips.items():
        wav = name + ".wav"
        sf.write(os.path.join(DATA, wav), np.asarray(y, dtype=np.float32), RATE, subtype="PCM_16")
        x, _ = sf.read(os.path.join(DATA, wav), dtype="float32")
        frames = lld.process_signal(x, RATE)
        values = func.process_signal(x, RATE)
        out.append(dict(name=name, file=wav, sample_rate=RATE,
                        lld=[[short(v) for v in row] for row in frames.to_numpy()],
                        functionals=[short(v) for v in values.to_numpy()[0]]))
    for stale in set(os.listdir(DATA)) - {c["file"] for c in out} - {os.path.basename(OUT)}:
        os.remove(os.path.join(DATA, stale))
    with open(OUT, "w") as f:
        json.dump(dict(generator="make_egemaps_reference.py", opensmile=opensmile.__version__,
                       lld_names=list(frames.columns), functional_names=list(values.columns), clips=out), f)
    print("wrote", OUT, sum(len(c["lld"]) for c in out), "frames")


if __name__ == "__main__":
    main()
