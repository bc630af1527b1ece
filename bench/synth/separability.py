"""How learnable is the demo corpus? A speaker-independent linear baseline on utterance-level MFCC statistics.

Usage: bench/.venv/bin/python bench/synth/separability.py data/demo
(after `exp data synth --out data/demo`). Needs librosa 0.11, numpy and scikit-learn (tested with 1.9.1).

Features per clip: mean and standard deviation of 20 MFCCs and the deviation of their deltas over frames within
26 dB of the loudest, the log peak RMS and the voiced-frame fraction (16 kHz, n_fft 512, hop 160). Train on
actors 01-18, test on 19-24, logistic regression. Prints accuracy and the confusion matrix (rows = truth, in
RAVDESS code order neutral, calm, happy, sad, angry, fearful, disgust, surprised).
"""
import glob
import os
import sys

import librosa
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.preprocessing import StandardScaler

root = sys.argv[1] if len(sys.argv) > 1 else "data/demo"
features, labels, actors = [], [], []
for path in sorted(glob.glob(os.path.join(root, "Actor_*", "*.wav"))):
    y, sr = librosa.load(path, sr=16000)
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20, n_fft=512, hop_length=160)
    rms = librosa.feature.rms(y=y, frame_length=512, hop_length=160)[0]
    keep = rms > rms.max() * 0.05
    kept = mfcc[:, keep]
    deltas = librosa.feature.delta(mfcc)[:, keep]
    features.append(np.concatenate([kept.mean(1), kept.std(1), deltas.std(1), [np.log(rms.max() + 1e-9), keep.mean()]]))
    fields = os.path.basename(path)[:-4].split("-")
    labels.append(int(fields[2]))
    actors.append(int(fields[6]))
X, y, actors = np.array(features), np.array(labels), np.array(actors)
train = actors <= 18
scaler = StandardScaler().fit(X[train])
model = LogisticRegression(max_iter=3000, C=0.5).fit(scaler.transform(X[train]), y[train])
predicted = model.predict(scaler.transform(X[~train]))
print("speaker-independent accuracy (train actors 01-18, test 19-24): %.3f" % (predicted == y[~train]).mean())
print(confusion_matrix(y[~train], predicted))
