"""Writes the binary fuzz seeds: tiny WAVs (libsndfile via soundfile) and tiny safetensors files.

Run once from the repository root: `bench/.venv/bin/python Fuzz/Corpus/make_seeds.py`. Seeds are small on purpose:
libFuzzer mutates them, so a few hundred bytes reach every header field quickly.
"""
import json
import pathlib
import struct

import numpy as np
import soundfile

root = pathlib.Path(__file__).parent
rng = np.random.default_rng(7)
wav = root / "wav"
tone = (0.5 * np.sin(np.arange(48) * 0.3)).astype(np.float32)
soundfile.write(wav / "mono_pcm16.wav", tone, 8000, subtype="PCM_16")
soundfile.write(wav / "stereo_pcm24.wav", np.stack([tone, -tone], axis=1), 16000, subtype="PCM_24")
soundfile.write(wav / "mono_float.wav", tone[:16], 22050, subtype="FLOAT")
soundfile.write(wav / "mono_pcm8.wav", tone[:16], 8000, subtype="PCM_U8")
soundfile.write(wav / "one_sample.wav", tone[:1], 8000, subtype="PCM_16")
soundfile.write(wav / "mono.flac", tone, 8000, subtype="PCM_16", format="FLAC")
full = (wav / "mono_pcm16.wav").read_bytes()
(wav / "truncated.wav").write_bytes(full[: len(full) - 20])


def safetensors(tensors, metadata=None):
    """The safetensors layout: u64 LE header length, JSON header, raw little-endian F32 data."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


st = root / "safetensors"
(st / "dense.safetensors").write_bytes(safetensors(
    {"0.weight": rng.standard_normal((3, 2)), "0.bias": np.zeros(3)}, {"format": "pt", "epoch": "1"}))
(st / "scalar_and_empty.safetensors").write_bytes(safetensors({"s": np.array(1.5), "e": np.zeros((0, 4))}))
