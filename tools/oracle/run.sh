#!/bin/sh
# Runs an oracle script with the import stubs and diffusers v0.24.0's source (see README.md), e.g.
#   tools/oracle/run.sh check_dev.py
set -e
here=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$here/stubs:${DIFFUSERS_SRC:-/tmp/diffusers-src/src}:${TORCHSDE_SRC:-/tmp/torchsde-src}:$here"
cd "$here" && exec /usr/bin/python3 "$@"
