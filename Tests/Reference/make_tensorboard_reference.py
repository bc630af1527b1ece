"""Writes Tests/Reference/Data/export/tensorboard_events.json: an event file made by TensorBoard's own writer.

The Swift TensorBoard exporter must produce the same bytes for the same events (TensorBoardExportTests).
Run with the versions in requirements-export.txt:
    bench/.venv/bin/python Tests/Reference/make_tensorboard_reference.py
"""
import io
import json
import pathlib

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter

EVENTS = [
    {"wall_time": 1795000000.0, "file_version": "brain.Event:2"},
    {"wall_time": 1795000001.5, "step": 1, "values": [["train/loss", 1.5], ["val/uar", 0.25]]},
    {"wall_time": 1795000003.25, "step": 2, "values": [["train/loss", 0.7481], ["val/uar", 0.6]]},
    {"wall_time": 1795000100.0, "step": 300, "values": [["test/uar", 0.123456789]]},
]


def main():
    buffer = io.BytesIO()
    writer = RecordWriter(buffer)
    for spec in EVENTS:
        event = event_pb2.Event(wall_time=spec["wall_time"], step=spec.get("step", 0))
        if "file_version" in spec:
            event.file_version = spec["file_version"]
        else:
            event.summary.CopyFrom(summary_pb2.Summary(value=[
                summary_pb2.Summary.Value(tag=tag, simple_value=value) for tag, value in spec["values"]]))
        writer.write(event.SerializeToString())
    writer.flush()
    out = pathlib.Path(__file__).parent / "Data" / "export" / "tensorboard_events.json"
    out.write_text(json.dumps({"generator": "make_tensorboard_reference.py", "events": EVENTS,
                               "file_hex": buffer.getvalue().hex()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
