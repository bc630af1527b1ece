#!/usr/bin/env python3
"""Writes librosa 0.11's MFCC of clips shorter than one FFT frame (1, 2, 5 and 200 samples).

Run from the package root with the pinned environment (Tests/Reference/requirements-audio.txt):

    bench/.venv/bin/python Tests/Reference/make_short_clip_reference.py

With `center=True` librosa pads `n_fft // 2` samples on each side (zeros or a mirror), so even one sample gives
one frame; the Swift extractors must agree. Arrays are stored frames first, `[T, C]`.
"""
import json
import os
import warnings

import librosa
import numpy as np
import soundfile as sf

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Data", "audio")
OUT = os.path.join(DATA, "short_clips.json")
ONE_SAMPLE = "one_sample_16k.wav"


def clip(n):
    """A deterministic clip of n samples: a decaying 440 Hz tone sampled at 16 kHz, plus 0.25 offset."""
    t = np.arange(n) / 16000
    return (0.25 + 0.5 * np.sin(2 * np.pi * 440 * t) * np.exp(-t * 20)).astype(np.float32)


def main():
    cases = []
    for n in (1, 2, 5, 200):
        for pad_mode in ("constant", "reflect"):
            y = clip(n)
            config = dict(sample_rate=16000, n_fft=512, hop_length=160, win_length=400, n_mels=64, n_mfcc=40,
                          pad_mode=pad_mode)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "n_fft=512 is too large for input signal of length=1"
                mfcc = librosa.feature.mfcc(y=y, sr=16000, n_fft=512, hop_length=160, win_length=400, n_mels=64,
                                            n_mfcc=40, pad_mode=pad_mode)
            cases.append(dict(samples=[float(v) for v in y], config=config,
                              mfcc=[[float(v) for v in row] for row in mfcc.T]))
    # A one-sample WAV (16-bit, value 0.25 exactly) loaded at its own rate and resampled up and down.
    sf.write(os.path.join(DATA, ONE_SAMPLE), np.array([0.25], dtype=np.float32), 16000, subtype="PCM_16")
    loads = []
    for sr in (None, 8000, 22050, 48000):
        y, rate = librosa.load(os.path.join(DATA, ONE_SAMPLE), sr=sr)
        loads.append(dict(sample_rate=sr, rate=rate, samples=[float(v) for v in y]))
    with open(OUT, "w") as f:
        json.dump(dict(generator="make_short_clip_reference.py", librosa=librosa.__version__, cases=cases,
                       input=ONE_SAMPLE, loads=loads), f)
        f.write("\n")


if __name__ == "__main__":
    main()
