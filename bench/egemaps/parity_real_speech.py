#!/usr/bin/env python3
"""exp's eGeMAPS v02 against openSMILE 2.6 on real speech: agreement, classification and speed.

    python bench/egemaps/parity_real_speech.py --corpus ../shared/data/ravdess-dev --exp .build/release/exp \
        --work /tmp/egemaps-bench [--limit N] [--rounds R] [--speed-only] [--json out.json]

For every clip under --corpus (RAVDESS names, actors 01-16, read at the file's rate) both tools compute the 88
functionals, single-threaded, on the same files. Reported:
  * per functional, the Pearson correlation across clips between exp and openSMILE;
  * on every 8th clip, frame-level F0: voicing agreement and the share of frames voiced in both whose F0 is
    within 1 % (from F0semitoneFrom27.5Hz_sma3nz; 1 % = 0.172 semitones);
  * speaker-fold emotion UAR (4 folds of 4 actors, features standardised on the training folds, logistic
    regression) with openSMILE's features and with exp's;
  * clips per second of each tool (decode included, one thread), with the CPU model: wall clock and CPU time
    (user + system) of each round, the tools taking turns (exp, openSMILE, exp, openSMILE, ...) for --rounds
    rounds, so load from other jobs on a shared machine falls on both; the ratio is of the summed times.
--speed-only skips the agreement and classification measures.
The corpus is read in place; nothing is copied. Requires the pinned opensmile (Tests/Reference/requirements-egemaps.txt)
plus scikit-learn and pandas.
"""
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import opensmile  # noqa: E402
import pandas as pd  # noqa: E402
import soundfile as sf  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import recall_score  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def clips(corpus, limit):
    found = []
    for root, _, names in os.walk(corpus):
        found += [os.path.join(root, n) for n in names if n.lower().endswith((".wav", ".flac"))]
    found.sort()
    return found[:limit] if limit else found


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def opensmile_table(files, level):
    smile = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02, feature_level=level)
    x, rate = sf.read(files[0], dtype="float32")
    smile.process_signal(x, rate)  # warm-up, not timed
    frames, start, cpu = [], time.perf_counter(), time.process_time()
    for path in files:
        x, rate = sf.read(path, dtype="float32")
        table = smile.process_signal(x, rate, file=path)
        frames.append(table)
    return pd.concat(frames), time.perf_counter() - start, time.process_time() - cpu


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def exp_table(exp, files, kind, out):
    os.makedirs(out, exist_ok=True)
    subprocess.run([exp, "features", "--type", kind, "--out", out, files[0]], check=True, capture_output=True)
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run([exp, "features", "--type", kind, "--out", out] + files, check=True, capture_output=True)
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    return pd.read_csv(os.path.join(out, kind + ".csv")), seconds, cpu


def uar(features, labels, actors):
    folds = [set(range(a, a + 4)) for a in (1, 5, 9, 13)]
    scores = []
    for test in folds:
        train_mask = ~np.isin(actors, list(test))
        if train_mask.all() or not train_mask.any():
            continue
        scaler = StandardScaler().fit(features[train_mask])
        model = LogisticRegression(max_iter=5000, C=1.0)
        model.fit(scaler.transform(features[train_mask]), labels[train_mask])
        predicted = model.predict(scaler.transform(features[~train_mask]))
        scores.append(recall_score(labels[~train_mask], predicted, average="macro"))
    return (float(np.mean(scores)) if scores else float("nan")), [float(s) for s in scores]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--exp", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    files = clips(args.corpus, args.limit)
    rounds = []
    for _ in range(max(args.rounds, 1)):
        ours, exp_wall, exp_cpu = exp_table(args.exp, files, "egemaps", os.path.join(args.work, "exp"))
        theirs, smile_wall, smile_cpu = opensmile_table(files, opensmile.FeatureLevel.Functionals)
        rounds.append(dict(exp_wall=exp_wall, exp_cpu=exp_cpu, opensmile_wall=smile_wall, opensmile_cpu=smile_cpu))
        print(f"round {len(rounds)}: exp {len(files) / exp_wall:.2f} clips/s wall, {len(files) / exp_cpu:.2f} CPU; "
              f"openSMILE {len(files) / smile_wall:.2f} wall, {len(files) / smile_cpu:.2f} CPU", flush=True)
    total = {k: sum(r[k] for r in rounds) for k in rounds[0]}
    speed = dict(
        rounds=rounds,
        opensmile_clips_per_second=len(files) * len(rounds) / total["opensmile_wall"],
        exp_clips_per_second=len(files) * len(rounds) / total["exp_wall"],
        ratio=total["opensmile_wall"] / total["exp_wall"],
        opensmile_clips_per_cpu_second=len(files) * len(rounds) / total["opensmile_cpu"],
        exp_clips_per_cpu_second=len(files) * len(rounds) / total["exp_cpu"],
        cpu_ratio=total["opensmile_cpu"] / total["exp_cpu"],
    )
    if args.speed_only:
        report = dict(clips=len(files), cpu=cpu_model(), opensmile=opensmile.__version__, speed=speed)
        if args.json:
            with open(args.json, "w") as f:
                f.write(json.dumps(report, indent=2, sort_keys=True))
        print_speed(len(files), report)
        return
    names = list(theirs.columns)
    a = theirs.to_numpy(dtype=float)
    b = ours[names].to_numpy(dtype=float)
    correlation = {}
    for i, name in enumerate(names):
        x, y = a[:, i], b[:, i]
        correlation[name] = float(np.corrcoef(x, y)[0, 1]) if np.std(x) > 0 and np.std(y) > 0 else float("nan")
    r = np.array(list(correlation.values()))
    # Frame-level F0 on every 8th clip.
    subset = files[::8]
    ours_lld = exp_table(args.exp, subset, "egemaps_lld", os.path.join(args.work, "exp_lld"))[0]
    agree = total = both = close = 0
    smile_lld = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                                feature_level=opensmile.FeatureLevel.LowLevelDescriptors)
    column = "F0semitoneFrom27.5Hz_sma3nz"
    for path in subset:
        x, rate = sf.read(path, dtype="float32")
        f_ref = smile_lld.process_signal(x, rate)[column].to_numpy()
        f_ours = ours_lld[ours_lld["file"] == path][column].to_numpy()
        n = min(len(f_ref), len(f_ours))
        v_ref, v_ours = f_ref[:n] > 0, f_ours[:n] > 0
        agree += int(np.sum(v_ref == v_ours))
        total += n
        mask = v_ref & v_ours
        both += int(np.sum(mask))
        close += int(np.sum(np.abs(f_ref[:n][mask] - f_ours[:n][mask]) <= 12 * np.log2(1.01)))
    labels = np.array([int(os.path.basename(p).split("-")[2]) for p in files])
    actors = np.array([int(os.path.splitext(os.path.basename(p))[0].split("-")[6]) for p in files])
    uar_smile, folds_smile = uar(a, labels, actors)
    uar_exp, folds_exp = uar(b, labels, actors)
    report = dict(
        clips=len(files), cpu=cpu_model(), opensmile=opensmile.__version__,
        correlation=correlation,
        correlation_summary=dict(min=float(np.nanmin(r)), median=float(np.nanmedian(r)),
                                 at_least_0_99=int(np.sum(r >= 0.99)), at_least_0_95=int(np.sum(r >= 0.95)),
                                 below_0_95=sorted([n for n, v in correlation.items() if not v >= 0.95])),
        f0=dict(clips=len(subset), frames=total, voicing_agreement=agree / max(total, 1),
                voiced_in_both=both, within_1_percent=close / max(both, 1)),
        uar=dict(opensmile=uar_smile, exp=uar_exp, folds_opensmile=folds_smile, folds_exp=folds_exp),
        speed=speed,
    )
    text = json.dumps(report, indent=2, sort_keys=True)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    s = report["correlation_summary"]
    print(f"{len(files)} clips on {report['cpu']}")
    print(f"functional correlation: min {s['min']:.4f}, median {s['median']:.4f}, "
          f">=0.99: {s['at_least_0_99']}/88, >=0.95: {s['at_least_0_95']}/88; below 0.95: {s['below_0_95']}")
    f0 = report["f0"]
    print(f"F0 ({f0['clips']} clips, {f0['frames']} frames): voicing agreement {f0['voicing_agreement']:.4f}, "
          f"within 1 % on {f0['within_1_percent']:.4f} of {f0['voiced_in_both']} frames voiced in both")
    print(f"UAR (4 speaker folds, logistic regression): openSMILE {uar_smile:.4f}, exp {uar_exp:.4f}")
    print_speed(len(files), report)


def print_speed(count, report):
    sp = report["speed"]
    print(f"speed over {len(sp['rounds'])} round(s) of {count} clips on {report['cpu']}:")
    print(f"  wall: openSMILE {sp['opensmile_clips_per_second']:.2f} clips/s, exp {sp['exp_clips_per_second']:.2f} "
          f"clips/s, ratio {sp['ratio']:.2f}x")
    print(f"  CPU:  openSMILE {sp['opensmile_clips_per_cpu_second']:.2f} clips/s, "
          f"exp {sp['exp_clips_per_cpu_second']:.2f} clips/s, ratio {sp['cpu_ratio']:.2f}x")


if __name__ == "__main__":
    main()
