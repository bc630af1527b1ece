"""Reads exp's exported files back with the real tools: DVC, TensorBoard and an MLflow server.

Usage: check_ecosystem.py EXP_BINARY WORKDIR   (WORKDIR holds runs/ made by `exp run`; see run_ecosystem.sh)
Every check compares against the run's own history.jsonl / metrics.json and exits non-zero on a mismatch.
"""
import json
import math
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

EXP, WORK = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
RUNS = WORK / "runs"
BIN = pathlib.Path(sys.executable).parent
failures = []


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def close(a, b, tolerance=1e-6):
    return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=tolerance)


run_dirs = sorted(p.parent for p in RUNS.glob("*/*/run.json"))
check(len(run_dirs) >= 2, f"{len(run_dirs)} runs under {RUNS}")
history = {d: [json.loads(line) for line in (d / "history.jsonl").read_text().splitlines() if line] for d in run_dirs}
tests = {d: json.loads((d / "metrics.json").read_text()) for d in run_dirs}

# --- DVC: a git + DVC repository around the runs folder; DVC finds each run's dvclive/dvc.yaml.
subprocess.run(["git", "init", "-q"], cwd=RUNS, check=True)
subprocess.run([str(BIN / "dvc"), "init", "-q"], cwd=RUNS, check=True)
# `dvc params diff` compares the workspace with HEAD, so give it an empty first commit.
subprocess.run(["git", "-c", "user.email=exp@localhost", "-c", "user.name=exp", "commit", "-q", "--allow-empty",
                "-m", "empty"], cwd=RUNS, check=True)
shown = json.loads(subprocess.run([str(BIN / "dvc"), "metrics", "show", "--json"], cwd=RUNS, check=True,
                                  capture_output=True, text=True).stdout)
# DVC 3 keys the workspace as "" (older releases: "workspace").
workspace = (shown.get("") or shown.get("workspace") or {}).get("data", {})
for d in run_dirs:
    key = str((d / "dvclive" / "metrics.json").relative_to(RUNS))
    data = workspace.get(key, {}).get("data", {})
    check(close(data.get("test", {}).get("uar"), tests[d]["uar"]), f"dvc metrics show: {key} test.uar")
    check(data.get("step") == history[d][-1]["epoch"], f"dvc metrics show: {key} step")
    check(close(data.get("val", {}).get("uar"), history[d][-1]["validation"]["uar"]), f"dvc metrics show: {key} val.uar")
params = json.loads(subprocess.run([str(BIN / "dvc"), "params", "diff", "--all", "--json"], cwd=RUNS, check=True,
                                   capture_output=True, text=True).stdout)
rates = [v.get("optimizer.learning_rate", {}).get("new") for v in params.values()]
check(sorted(r for r in rates if r is not None) == sorted(
    {0.01, 0.003}), f"dvc params diff: learning rates {rates}")
plots = subprocess.run([str(BIN / "dvc"), "plots", "show", "--json"], cwd=RUNS, capture_output=True, text=True)
check(plots.returncode == 0 and "uar" in plots.stdout, "dvc plots show reads plots/metrics/*.tsv")

# --- TensorBoard: the event accumulator reads our scalars.
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402

for d in run_dirs:
    files = list((d / "tensorboard").glob("events.out.tfevents.*"))
    check(len(files) == 1, f"one event file in {d.name}/tensorboard")
    acc = event_accumulator.EventAccumulator(str(files[0]))
    acc.Reload()
    tags = acc.Tags()["scalars"]
    check({"train/loss", "val/uar", "test/uar", "learning_rate"} <= set(tags), f"tensorboard tags {sorted(tags)}")
    losses = [(e.step, e.value) for e in acc.Scalars("train/loss")]
    expected = [(h["epoch"], h["train"]["loss"]) for h in history[d]]
    check(len(losses) == len(expected) and all(s == t and close(v, w, 1e-6) for (s, v), (t, w) in zip(losses, expected)),
          f"tensorboard train/loss {losses} == history {expected}")
    check(close(acc.Scalars("test/uar")[-1].value, tests[d]["uar"], 1e-6), "tensorboard test/uar")

# --- MLflow: a real server on the loopback address with a temporary backend store.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
store = tempfile.mkdtemp(prefix="mlflow-")
server = subprocess.Popen([str(BIN / "mlflow"), "server", "--host", "127.0.0.1", "--port", str(port),
                           "--backend-store-uri", f"sqlite:///{store}/mlflow.db",
                           "--artifacts-destination", f"{store}/artifacts", "--workers", "1"],
                          stdout=subprocess.DEVNULL, stderr=open(f"{store}/server.log", "w"))
try:
    uri = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    exported = subprocess.run([EXP, "export", "mlflow", "--tracking-uri", uri, str(RUNS)], capture_output=True,
                              text=True)
    check(exported.returncode == 0, f"exp export mlflow: {exported.stdout}{exported.stderr}")
    again = subprocess.run([EXP, "export", "mlflow", "--tracking-uri", uri, str(RUNS)], capture_output=True, text=True)
    check(again.returncode == 0 and again.stdout.count("already exported") == len(run_dirs),
          "a second export adds nothing")
    from mlflow.tracking import MlflowClient  # noqa: E402

    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("eco")
    check(experiment is not None, "MLflow experiment 'eco' exists")
    found = client.search_runs([experiment.experiment_id])
    check(len(found) == len(run_dirs), f"{len(found)} MLflow runs")
    for run in found:
        d = next(d for d in run_dirs if f"eco/{d.name}" == run.data.tags.get("exp.run_id"))
        check(run.info.status == "FINISHED", f"{d.name}: status {run.info.status}")
        check(close(run.data.metrics["test/uar"], tests[d]["uar"]), f"{d.name}: test/uar")
        check(run.data.params.get("model.layers.2.units") == "8", f"{d.name}: params {sorted(run.data.params)[:6]}")
        steps = [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, "val/uar")]
        want = [(h["epoch"], h["validation"]["uar"]) for h in history[d]]
        steps.sort()
        check([s for s, _ in steps] == [s for s, _ in want] and all(close(a, b) for (_, a), (_, b) in zip(steps, want)),
              f"{d.name}: val/uar history {steps} == {want}")
        names = sorted(a.path for a in client.list_artifacts(run.info.run_id))
        check({"run.json", "metrics.json", "history.jsonl", "spec.yaml"} <= set(names), f"{d.name}: artifacts {names}")
        local = client.download_artifacts(run.info.run_id, "metrics.json", tempfile.mkdtemp())
        check(json.loads(pathlib.Path(local).read_text()) == tests[d], f"{d.name}: metrics.json artifact round trip")
finally:
    server.terminate()
    server.wait(timeout=30)

print(f"\n{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
