#!/usr/bin/env python3
"""Writes a benchmark corpus: speech-like 48 kHz 16-bit mono WAVs of 3-4 s (RAVDESS-like sizes).

    python bench/make_bench_clips.py --out DIR [--count 200] [--seed 2024]

Each clip is a sequence of 'syllables': a glottal harmonic source with a drifting f0 shaped by three formants,
under a syllable-rate envelope, plus breath noise. Deterministic for a given seed.
"""
import argparse
import os

import numpy as np
import soundfile as sf

SR = 48000


def clip(rng):
    seconds = rng.uniform(3.0, 4.0)
    n = int(SR * seconds)
    t = np.arange(n) / SR
    f0 = rng.uniform(90, 260) * (1 + 0.15 * np.sin(2 * np.pi * rng.uniform(0.5, 2) * t + rng.uniform(0, 6)))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    formants = [(rng.uniform(300, 900), 90), (rng.uniform(900, 2300), 120), (rng.uniform(2300, 3200), 180)]
    y = np.zeros(n)
    for k in range(1, 40):
        freq = k * f0
        gain = sum(1 / (1 + ((freq - fc) / bw) ** 2) for fc, bw in formants) / k ** 0.7
        y += gain * np.sin(k * phase)
    rate = rng.uniform(3, 6)  # syllables per second
    envelope = np.clip(np.sin(np.pi * rate * t + rng.uniform(0, 3)), 0, None) ** 0.6
    y = y * envelope + 0.01 * rng.standard_normal(n)
    lead = int(SR * rng.uniform(0.1, 0.4))
    y[:lead] = 0.002 * rng.standard_normal(lead)  # quiet lead-in as in real recordings
    return 0.3 * y / np.max(np.abs(y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for i in range(args.count):
        sf.write(os.path.join(args.out, f"clip-{i:04d}.wav"), clip(rng), SR, subtype="PCM_16")
    print(f"wrote {args.count} clips to {args.out}")


if __name__ == "__main__":
    main()
