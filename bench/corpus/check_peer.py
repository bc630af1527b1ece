#!/usr/bin/env python3
"""Python peer of `exp data check`: soundfile.info and hashlib SHA-256 of every RAVDESS file, on two threads.

    python bench/corpus/check_peer.py DIR
"""
import glob
import hashlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import soundfile as sf


def probe(path):
    info = sf.info(path)
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    return info.samplerate, info.channels, info.duration, digest


def main():
    files = sorted(glob.glob(sys.argv[1] + "/Actor_*/*.wav"))
    start = time.time()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(probe, files))
    print(f"{len(results)} files in {time.time() - start:.3f} s")


if __name__ == "__main__":
    main()
