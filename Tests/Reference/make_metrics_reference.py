"""Golden classification metrics for ExperimentKit's Metrics, computed by scikit-learn.

Writes Data/metrics/classification.json. Run with the pinned versions in requirements-metrics.txt:
    python Tests/Reference/make_metrics_reference.py
Each case holds integer labels (truth, predicted) over K classes and, for the loss check, per-example class
probabilities split into batches; the expected values come from sklearn.metrics with zero_division=0.
"""
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn import metrics

warnings.simplefilter("ignore")  # balanced_accuracy warns about classes absent from the truth; that is the case tested
OUT = pathlib.Path(__file__).parent / "Data" / "metrics" / "classification.json"


def case(name, truth, pred, k, probabilities=None, batches=None):
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    labels = list(range(k))
    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        truth, pred, labels=labels, zero_division=0)
    out = {
        "id": name,
        "classes": k,
        "truth": truth.tolist(),
        "predicted": pred.tolist(),
        "accuracy": metrics.accuracy_score(truth, pred),
        "balanced_accuracy": metrics.balanced_accuracy_score(truth, pred),
        "macro_f1": metrics.f1_score(truth, pred, average="macro", zero_division=0),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": support.tolist(),
        "confusion_matrix": metrics.confusion_matrix(truth, pred, labels=labels).tolist(),
    }
    if probabilities is not None:
        out["probabilities"] = np.asarray(probabilities).tolist()
        out["batches"] = batches
        out["log_loss"] = metrics.log_loss(truth, probabilities, labels=labels)
    return out


def main():
    rng = np.random.default_rng(20261125)
    cases = []
    # Eight emotions, unbalanced, moderately accurate predictions (the usual RAVDESS shape).
    k = 8
    truth = rng.choice(k, size=97, p=[0.06, 0.14, 0.14, 0.14, 0.14, 0.14, 0.12, 0.12])
    pred = np.where(rng.random(97) < 0.55, truth, rng.integers(0, k, 97))
    logits = rng.normal(size=(97, k)) + 2.5 * np.eye(k)[pred]
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    cases.append(case("ravdess-like", truth, pred, k, probabilities, [32, 32, 32, 1]))
    # A class missing from the truth but predicted: excluded from UAR, included in macro-F1 with F1 = 0.
    truth = rng.choice([0, 1, 3], size=40)
    pred = np.where(rng.random(40) < 0.6, truth, rng.integers(0, 4, 40))
    pred[:3] = 2
    cases.append(case("class-absent-from-truth", truth, pred, 4))
    # A class never predicted and one absent everywhere: precision 0 by zero_division, macro-F1 over 3 of 5 labels.
    truth = rng.choice([0, 1, 2], size=30)
    pred = np.where(truth == 2, 0, truth)
    cases.append(case("never-predicted-and-absent", truth, pred, 5))
    # Everything predicted as one class.
    truth = rng.integers(0, 3, 25)
    cases.append(case("constant-prediction", truth, np.ones(25, dtype=int), 3))
    # Perfect predictions.
    truth = rng.integers(0, 6, 18)
    cases.append(case("perfect", truth, truth.copy(), 6))
    # Two classes, tiny.
    cases.append(case("binary-small", [0, 1, 1, 0, 1], [0, 1, 0, 0, 0], 2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document = {"generator": "Tests/Reference/make_metrics_reference.py", "sklearn": sklearn.__version__,
                "numpy": np.__version__, "cases": cases}
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
