#!/bin/sh
# `npm run train`: re-makes every shipped shapes-model file from fixed seeds (about two hours on 2 CPU cores):
# trains (tools/train/.cache/ keeps finished stages; delete it to start over), exports src/models/shapes*/, and
# writes the held-out evaluation set the tests read. Needs PyTorch: Debian's `apt-get install python3-torch`.
set -e
PYTHON=
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import torch, onnx, PIL, regex' 2>/dev/null; then PYTHON=$candidate; break; fi
done
if [ -z "$PYTHON" ]; then
  echo 'tools/train needs PyTorch, onnx and Pillow: sudo apt-get install -y python3-torch python3-onnx python3-pil python3-regex libopenblas0-pthread' >&2
  exit 1
fi
# Debian's torch calls whichever libblas.so.3 is installed; the reference one makes a U-Net step take 2 s, not 0.3.
case "$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null)" in
  *openblas*|*blis*|*mkl*|'') ;;
  *) echo 'tools/train: the reference BLAS is in use, training will be about ten times slower; sudo apt-get install -y libopenblas0-pthread' >&2 ;;
esac
"$PYTHON" tools/train/train.py
"$PYTHON" tools/train/export.py
"$PYTHON" tools/train/eval_set.py
