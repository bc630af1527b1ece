"""Clones one real run directory (made by `exp run`) into N runs with varied values, for `make bench-compare`.

Each clone gets its own run id, seed, learning rate, feature type, creation time and test/validation metrics, so
exp compare has N distinct rows to filter, sort and group. Only values change; the file formats are exp's own.
    python bench/make_compare_runs.py --template runs/eco/eco-... --out .build-bench/compare-runs --count 1000
"""
import argparse
import json
import pathlib
import random
import re


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--template", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    template = pathlib.Path(args.template)
    out = pathlib.Path(args.out)
    rng = random.Random(args.seed)
    record = json.loads((template / "run.json").read_text())
    spec = (template / "spec.yaml").read_text()
    metrics = json.loads((template / "metrics.json").read_text())
    # A realistic length: 30 epochs, the template's epochs repeated with renumbered epoch fields.
    lines = [json.loads(line) for line in (template / "history.jsonl").read_text().splitlines() if line]
    history = "".join(json.dumps(dict(lines[e % len(lines)], epoch=e + 1), sort_keys=True, separators=(",", ":"))
                      + "\n" for e in range(30))
    for i in range(args.count):
        run_id = f"bench-{i:05d}"
        target = out / "bench" / run_id
        target.mkdir(parents=True, exist_ok=True)
        rate = rng.choice([1e-2, 3e-3, 1e-3, 3e-4, 1e-4])
        features = rng.choice(["mfcc", "logmel"])
        text = re.sub(r"learning_rate: [0-9.e-]+", f"learning_rate: {rate}", spec)
        text = re.sub(r"type: mfcc", f"type: {features}", text)
        text = re.sub(r"^seed: \d+", f"seed: {i % 5}", text, flags=re.M)
        (target / "spec.yaml").write_text(text)
        r = dict(record, id=run_id, name="bench", seed=i % 5,
                 status=rng.choice(["completed"] * 9 + ["failed"]))
        (target / "run.json").write_text(json.dumps(r, indent=2, sort_keys=True) + "\n")
        m = dict(metrics, uar=rng.random(), accuracy=rng.random())
        (target / "metrics.json").write_text(json.dumps(m, indent=2, sort_keys=True) + "\n")
        (target / "history.jsonl").write_text(history)


if __name__ == "__main__":
    main()
