#!/usr/bin/env python3
"""librosa peer of `exp bench features`: the same work, single-threaded, with the same parameters and JSON.

    python bench/peers/librosa_features.py --corpus DIR [--json] [--compare exp.json ...]

Per WAV under DIR: librosa.load(path, sr=16000) (soundfile decode + soxr_hq resample), then
librosa.feature.mfcc(y, sr=16000, n_mfcc=40, n_fft=512, hop_length=160, win_length=400, n_mels=64).
The first file is processed once before timing so import and first-call costs are not counted.
With --compare, prints each given exp report's ratios to this run (files/s, features-only files/s).
With --write DIR, the loop also saves each matrix as DIR/<name>.npy (float32 [frames, n_mfcc], as `exp features`
writes): the peer of a whole `exp features` process; --files takes explicit paths instead of --corpus.
"""
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import librosa  # noqa: E402
import numpy as np  # noqa: E402

PARAMS = dict(n_mfcc=40, n_fft=512, hop_length=160, win_length=400, n_mels=64)
PARAMETER_TEXT = "sr=16000 n_fft=512 hop_length=160 win_length=400 n_mels=64 n_mfcc=40"


def wav_files(directory):
    found = []
    for root, _, names in os.walk(directory):
        found += [os.path.join(root, n) for n in names if n.lower().endswith(".wav")]
    return sorted(found)


def run(files, write=None):
    y, sr = librosa.load(files[0], sr=16000)
    librosa.feature.mfcc(y=y, sr=sr, **PARAMS)
    if write:
        os.makedirs(write, exist_ok=True)
    feature_seconds = feature_cpu = audio_seconds = 0.0
    start, start_cpu = time.perf_counter(), time.process_time()
    for path in files:
        y, sr = librosa.load(path, sr=16000)
        before, before_cpu = time.perf_counter(), time.thread_time()
        mfcc = librosa.feature.mfcc(y=y, sr=sr, **PARAMS)
        feature_cpu += time.thread_time() - before_cpu
        feature_seconds += time.perf_counter() - before
        audio_seconds += len(y) / sr
        if write:
            name = os.path.splitext(os.path.basename(path))[0] + ".npy"
            np.save(os.path.join(write, name), np.ascontiguousarray(mfcc.T, dtype=np.float32))
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return dict(
        implementation=f"librosa {librosa.__version__}", files=len(files), failures=0,
        audio_s=audio_seconds, wall_s=wall, files_per_s=len(files) / wall, audio_s_per_s=audio_seconds / wall,
        features_only_files_per_s=len(files) / feature_seconds, cpu_s=cpu, files_per_cpu_s=len(files) / cpu,
        features_only_files_per_cpu_s=len(files) / feature_cpu,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, threads=1, parameters=PARAMETER_TEXT)


def main():
    parser = argparse.ArgumentParser(description="librosa peer of `exp bench features`")
    parser.add_argument("--corpus")
    parser.add_argument("--files", nargs="+", help="audio files (instead of --corpus)")
    parser.add_argument("--write", help="also save each matrix as DIR/<name>.npy")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--compare", nargs="*", default=[], help="exp bench features --json outputs")
    args = parser.parse_args()
    if (args.corpus is None) == (args.files is None):
        raise SystemExit("give --corpus DIR or --files PATH ...")
    files = args.files or wav_files(args.corpus)
    if not files:
        raise SystemExit(f"no .wav files under {args.corpus}")
    report = run(files, write=args.write)
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        print(f"{report['implementation']}: {report['files']} files ({report['audio_s']:.1f} s of audio) in "
              f"{report['wall_s']:.2f} s with 1 thread(s): {report['files_per_s']:.1f} files/s, "
              f"{report['audio_s_per_s']:.1f} audio s/s, features only {report['features_only_files_per_s']:.1f} "
              f"files/s; per CPU second: {report['files_per_cpu_s']:.1f} files, features only "
              f"{report['features_only_files_per_cpu_s']:.1f} files; peak RSS {report['peak_rss_mb']:.1f} MB "
              f"[{PARAMETER_TEXT}]")
    single = None
    for path in args.compare:
        with open(path) as f:
            ours = json.load(f)
        if ours["files"] != report["files"]:
            raise SystemExit(f"{path}: {ours['files']} files, the peer processed {report['files']}")
        print(f"exp {ours['threads']} thread(s) vs librosa: whole pipeline "
              f"{ours['files_per_s'] / report['files_per_s']:.2f}x, feature stage "
              f"{ours['features_only_files_per_s'] / report['features_only_files_per_s']:.2f}x (per CPU second: "
              f"{ours['files_per_cpu_s'] / report['files_per_cpu_s']:.2f}x and "
              f"{ours['features_only_files_per_cpu_s'] / report['features_only_files_per_cpu_s']:.2f}x), peak RSS "
              f"{ours['peak_rss_mb']:.0f} MB vs {report['peak_rss_mb']:.0f} MB")
        if ours["threads"] == 1:
            single = ours
        elif single is not None:
            print(f"exp scaling {single['threads']} -> {ours['threads']} threads: "
                  f"{ours['files_per_s'] / single['files_per_s']:.2f}x")


if __name__ == "__main__":
    main()
