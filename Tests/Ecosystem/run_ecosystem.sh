#!/bin/sh
# make test-ecosystem: two real tiny runs, their DVCLive/TensorBoard files, then the real readers and an MLflow server.
# Usage: run_ecosystem.sh EXP_BINARY PYTHON
set -eu
EXP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# Resolve a relative interpreter path before changing directory; keep the venv's own path (no symlink resolution),
# since a venv's python finds its packages through the path it was started by.
case $2 in
  /*) PYTHON=$2 ;;
  */*) PYTHON=$(pwd)/$2 ;;
  *) PYTHON=$(command -v "$2") ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/tiny.yaml" "$WORK/"
cd "$WORK"
"$EXP" data synth --out corpus --actors 4 --sample-rate 8000 >/dev/null
sed 's/learning_rate: 0.01}/learning_rate: 0.003}/' tiny.yaml > tiny-slow.yaml
"$EXP" run tiny.yaml tiny-slow.yaml --runs-dir runs --quiet
"$EXP" export files runs
"$EXP" compare runs
"$PYTHON" "$HERE/check_ecosystem.py" "$EXP" "$WORK"
