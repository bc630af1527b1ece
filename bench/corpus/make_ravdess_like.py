#!/usr/bin/env python3
"""Writes a RAVDESS-shaped corpus of noise clips for benchmarking `exp data check` and split hashing.

    python bench/corpus/make_ravdess_like.py --out DIR [--seed 0]

24 actors x 60 speech files with the real naming, 48 kHz 16-bit, 2.9-5.3 s, five stereo files and one
byte-identical pair in actor 07, as in the official archive (about 550 MB). Deterministic for a seed.
"""
import argparse
import os
import shutil

import numpy as np
import soundfile as sf


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    stereo = set(rng.choice(1440, 5, replace=False).tolist())
    index = 0
    for actor in range(1, 25):
        folder = f"{args.out}/Actor_{actor:02d}"
        os.makedirs(folder, exist_ok=True)
        for emotion in range(1, 9):
            for intensity in (1,) if emotion == 1 else (1, 2):
                for statement in (1, 2):
                    for repetition in (1, 2):
                        n = int(48000 * rng.uniform(2.9, 5.3))
                        x = (rng.standard_normal(n) * 0.05).astype("float32")
                        if index in stereo:
                            x = np.stack([x, x], 1)
                        name = f"03-01-{emotion:02d}-{intensity:02d}-{statement:02d}-{repetition:02d}-{actor:02d}.wav"
                        sf.write(f"{folder}/{name}", x, 48000, subtype="PCM_16")
                        index += 1
    shutil.copy(f"{args.out}/Actor_07/03-01-02-01-01-01-07.wav", f"{args.out}/Actor_07/03-01-02-01-01-02-07.wav")


if __name__ == "__main__":
    main()
