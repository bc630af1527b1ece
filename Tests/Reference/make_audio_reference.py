#!/usr/bin/env python3
"""Writes the AudioFeatures golden data: small WAV inputs and librosa 0.11 outputs for them.

Run from the package root with the pinned environment (Tests/Reference/requirements-audio.txt):

    bench/.venv/bin/python Tests/Reference/make_audio_reference.py

Inputs are synthesised from closed-form formulas and a fixed-seed generator, written as WAV files next to the
JSON so the Swift tests decode exactly the bytes librosa decoded. Every array is stored in the package layout
(frames first, `[T, C]`), i.e. librosa's `(C, T)` output transposed.
"""
import json
import os

import librosa
import numpy as np
import soundfile as sf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Data", "audio")
SEED = 1234


def vowel(sr, seconds, f0, formants=((700, 130), (1220, 70), (2600, 160)), jitter=0.0, rng=None):
    """A glottal-harmonic vowel: harmonics of f0 weighted by a sum of formant resonances."""
    t = np.arange(int(round(sr * seconds))) / sr
    f0_track = f0 * (1 + 0.02 * np.sin(2 * np.pi * 5 * t))  # slight vibrato
    phase = 2 * np.pi * np.cumsum(f0_track) / sr
    y = np.zeros_like(t)
    for k in range(1, int((sr / 2) // f0)):
        freq = k * f0
        gain = sum(1 / (1 + ((freq - fc) / bw) ** 2) for fc, bw in formants) / k ** 0.5
        y += gain * np.sin(k * phase)
    y *= 0.4 / np.max(np.abs(y))
    if jitter and rng is not None:
        y += jitter * rng.standard_normal(len(y))
    return y


def make_inputs():
    rng = np.random.default_rng(SEED)
    inputs = {}
    # Exponential chirp 100 Hz -> 8 kHz, 32-bit PCM WAV at 22.05 kHz (float WAVs carry a timestamped PEAK chunk,
    # which would make the output differ byte-wise from run to run).
    sr = 22050
    t = np.arange(int(sr * 0.5)) / sr
    f_start, f_end, dur = 100.0, 8000.0, 0.5
    k = (f_end / f_start) ** (1 / dur)
    chirp = 0.5 * np.sin(2 * np.pi * f_start * (k ** t - 1) / np.log(k))
    inputs["chirp_22k.wav"] = (chirp, sr, "PCM_32")
    # White noise, 16-bit at 16 kHz.
    noise = np.clip(0.25 * rng.standard_normal(8000), -1, 1)
    inputs["noise_16k.wav"] = (noise, 16000, "PCM_16")
    inputs["vowel_16k.wav"] = (vowel(16000, 0.5, 120, jitter=0.002, rng=rng), 16000, "PCM_16")
    inputs["vowel_22k.wav"] = (vowel(22050, 0.4, 210, formants=((300, 60), (2300, 120), (3000, 200))), 22050, "PCM_24")
    # Silence-padded: 0.1 s digital zeros, 0.25 s vowel, 0.15 s faint noise (-66 dB re full scale).
    core = vowel(16000, 0.25, 140)
    tail = 0.0005 * rng.standard_normal(2400)
    inputs["silence_padded_16k.wav"] = (np.concatenate([np.zeros(1600), core, tail]), 16000, "PCM_16")
    # Stereo 48 kHz, 16-bit: two different vowels plus a little noise per channel.
    left = vowel(48000, 0.3, 150) + 0.01 * rng.standard_normal(14400)
    right = vowel(48000, 0.3, 190, formants=((400, 80), (2000, 100), (2550, 150))) + 0.01 * rng.standard_normal(14400)
    inputs["speech_48k_stereo.wav"] = (np.stack([left, right], axis=1), 48000, "PCM_16")
    for name, (y, sr, subtype) in inputs.items():
        sf.write(os.path.join(OUT, name), y, sr, subtype=subtype)
    return list(inputs)


LIBROSA_DEFAULTS = dict(
    sample_rate=22050, n_fft=2048, hop_length=512, win_length=None, window="hann", center=True,
    pad_mode="constant", n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney", power=2.0, n_mfcc=20,
    dct_type=2, lifter=0.0, ref=1.0, amin=1e-10, top_db=80.0, deltas=False, delta_width=9,
)

PARAMETER_SETS = [
    ("speech48k_to_16k_mfcc40", "speech_48k_stereo.wav",
     dict(sample_rate=16000, n_fft=512, hop_length=160, win_length=400, n_mels=64, fmax=8000.0, n_mfcc=40,
          deltas=True)),
    ("noise16k_htk_hamming_nocenter", "noise_16k.wav",
     dict(sample_rate=16000, n_fft=512, hop_length=256, window="hamming", center=False, n_mels=40, fmin=20.0,
          fmax=7600.0, htk=True, norm="none", n_mfcc=13, lifter=22.0)),
    ("chirp22k_librosa_defaults", "chirp_22k.wav", dict()),
    ("vowel22k_reflect_htk_slaney_power1", "vowel_22k.wav",
     dict(n_fft=2048, hop_length=256, win_length=1024, pad_mode="reflect", n_mels=64, fmin=50.0, fmax=8000.0,
          htk=True, power=1.0, n_mfcc=13, lifter=22.0, top_db=None, deltas=True, delta_width=5)),
    ("speech48k_native_nocenter_refmax", "speech_48k_stereo.wav",
     dict(sample_rate=48000, n_fft=2048, hop_length=480, win_length=1200, center=False, n_mels=128,
          fmax=20000.0, n_mfcc=40, ref="max")),
    ("vowel16k_mfcc13_amin", "vowel_16k.wav",
     dict(sample_rate=16000, n_fft=512, hop_length=128, n_mels=40, n_mfcc=13, amin=1e-5, top_db=60.0)),
    ("silence16k_nfft2048_lifter", "silence_padded_16k.wav",
     dict(sample_rate=16000, n_fft=2048, hop_length=256, n_mels=64, n_mfcc=20, lifter=10.0)),
]


def f32(a):
    """float32-rounded nested lists (keeps the JSON small and the comparison honest about Float32)."""
    return np.asarray(a, dtype=np.float32).tolist()


def rounded(a, digits=7):
    return [float(f"{x:.{digits}g}") for x in np.asarray(a, dtype=np.float64).ravel()]


def matrix(a, digits=7):
    """[C, T] librosa array -> [T][C] rounded lists."""
    a = np.asarray(a, dtype=np.float64).T
    return [rounded(row, digits) for row in a]


def some_frames(a, digits=6):
    """A few frames of a [C, T] array (the edges, where padding and delta modes matter, and the middle)."""
    t = a.shape[1]
    picks = sorted({j for j in [0, 1, 2, 3, 4, t // 2, t // 2 + 1, t - 4, t - 3, t - 2, t - 1] if 0 <= j < t})
    return dict(frames=picks, values=[rounded(np.asarray(a, dtype=np.float64)[:, j], digits) for j in picks])


def with_deltas(m, width):
    return np.concatenate([m, librosa.feature.delta(m, width=width), librosa.feature.delta(m, width=width, order=2)])


def parameter_set(name, wav, overrides):
    cfg = dict(LIBROSA_DEFAULTS, **overrides)
    y, sr = librosa.load(os.path.join(OUT, wav), sr=cfg["sample_rate"])
    ref = np.max if cfg["ref"] == "max" else cfg["ref"]
    spectral = dict(n_fft=cfg["n_fft"], hop_length=cfg["hop_length"], win_length=cfg["win_length"],
                    window=cfg["window"], center=cfg["center"], pad_mode=cfg["pad_mode"])
    mel_args = dict(n_mels=cfg["n_mels"], fmin=cfg["fmin"], fmax=cfg["fmax"], htk=cfg["htk"],
                    norm=None if cfg["norm"] == "none" else cfg["norm"])
    mel_power = librosa.feature.melspectrogram(y=y, sr=sr, power=cfg["power"], **spectral, **mel_args)
    logmel = librosa.power_to_db(mel_power, ref=ref, amin=cfg["amin"], top_db=cfg["top_db"])
    if cfg["ref"] == 1.0 and cfg["amin"] == 1e-10 and cfg["top_db"] == 80.0:
        # The path users call: mfcc(y=...) applies power_to_db with its own defaults.
        mfcc_mel_args = {("mel_norm" if k == "norm" else k): v for k, v in mel_args.items()}
        mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=cfg["n_mfcc"], lifter=cfg["lifter"], power=cfg["power"],
                                    **spectral, **mfcc_mel_args)
    else:
        mfcc = librosa.feature.mfcc(S=logmel, n_mfcc=cfg["n_mfcc"], lifter=cfg["lifter"])
    if cfg["deltas"]:
        logmel_out = with_deltas(logmel, cfg["delta_width"])
        mfcc_out = with_deltas(mfcc, cfg["delta_width"])
    else:
        logmel_out, mfcc_out = logmel, mfcc
    basis = librosa.filters.mel(sr=sr, n_fft=cfg["n_fft"], **mel_args)
    starts, weights = [], []
    for row in basis:
        nz = np.flatnonzero(row)
        starts.append(int(nz[0]) if nz.size else 0)
        weights.append(row[nz[0]:nz[-1] + 1].astype(np.float64).tolist() if nz.size else [])
    magnitude = np.abs(librosa.stft(y, **spectral))
    picks = sorted({0, magnitude.shape[1] - 1})
    config = {k: v for k, v in cfg.items()}
    return dict(
        name=name, input=wav, config=config, sample_count=int(len(y)), frame_count=int(mfcc.shape[1]),
        logmel=some_frames(logmel_out), mfcc=some_frames(mfcc_out),
        filterbank=dict(starts=starts, weights=weights),
        stft_magnitude=dict(frames=picks, values=[rounded(magnitude[:, j], 6) for j in picks]),
    )


def head_tail(y, n=400):
    return dict(count=int(len(y)), head=rounded(y[:n]), tail=rounded(y[-n:]))


def main():
    os.makedirs(OUT, exist_ok=True)
    make_inputs()
    path = lambda name: os.path.join(OUT, name)
    sets = [parameter_set(*spec) for spec in PARAMETER_SETS]
    with open(path("features.json"), "w") as f:
        json.dump(dict(generator="Tests/Reference/make_audio_reference.py", librosa=librosa.__version__,
                       sets=sets), f, separators=(",", ":"))

    loads = []
    for wav, sr, offset, duration in [
        ("speech_48k_stereo.wav", 16000, 0.0, None), ("chirp_22k.wav", 16000, 0.0, None),
        ("vowel_16k.wav", 22050, 0.0, None), ("speech_48k_stereo.wav", 16000, 0.05, 0.1),
        ("speech_48k_stereo.wav", None, 0.1234, 0.0567), ("vowel_22k.wav", None, 0.3, 5.0),
        ("noise_16k.wav", 8000, 0.01, 0.2),
    ]:
        y, rate = librosa.load(path(wav), sr=sr, offset=offset, duration=duration)
        loads.append(dict(input=wav, sample_rate=sr, offset=offset, duration=duration, rate=int(rate),
                          **head_tail(y)))

    rng = np.random.default_rng(SEED + 1)
    data = rng.standard_normal((5, 20)).astype(np.float32)
    deltas = [dict(width=w, order=o, input=matrix(data), output=matrix(librosa.feature.delta(data, width=w, order=o)))
              for w, o in [(9, 1), (9, 2), (3, 1), (5, 2)]]

    frames = []
    for wav in ["vowel_16k.wav", "silence_padded_16k.wav", "noise_16k.wav"]:
        y, _ = librosa.load(path(wav), sr=None)
        for fl, hop in [(2048, 512), (512, 128)]:
            trims = []
            for top_db in [60.0, 30.0]:
                _, index = librosa.effects.trim(y, top_db=top_db, frame_length=fl, hop_length=hop)
                trims.append(dict(top_db=top_db, start=int(index[0]), end=int(index[1])))
            frames.append(dict(
                input=wav, frame_length=fl, hop_length=hop,
                rms=rounded(librosa.feature.rms(y=y, frame_length=fl, hop_length=hop)[0]),
                zcr=rounded(librosa.feature.zero_crossing_rate(y, frame_length=fl, hop_length=hop)[0]),
                trim=trims))
    with open(path("signals.json"), "w") as f:
        json.dump(dict(generator="Tests/Reference/make_audio_reference.py", loads=loads, deltas=deltas,
                       framewise=frames), f, separators=(",", ":"))


if __name__ == "__main__":
    main()
