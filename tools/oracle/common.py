"""Paths and JSON helpers shared by the oracle scripts (run from tools/oracle/, see README.md)."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MODELS = os.environ.get("WD_ORACLE_MODELS", os.path.join(REPO, "test/fixtures/diffusers"))
DEV_ORACLE = os.path.join(MODELS, "diffusers-parity-dev.json")
EXTRA_ORACLE = os.path.join(REPO, "test/fixtures/oracle/diffusers-parity-extra.json")


def load_json(path):
    with open(path) as f:
        return json.load(f)
