#!/usr/bin/env python3
"""Writes src/model.json: botocore's cognito-idp service model without documentation.

The emulator validates every request against this model (required members, types, lengths, patterns,
enums), so it must stay the ground truth. Regenerate after a botocore upgrade:
    python3 .ci/trim-model.py path/to/service-2.json > src/model.json
"""
import json
import sys

KEEP_SHAPE = ("type", "required", "min", "max", "pattern", "enum", "sensitive", "exception", "fault",
              "document")
src = json.load(open(sys.argv[1]))
out = {"metadata": {k: src["metadata"][k] for k in ("apiVersion", "targetPrefix", "protocol")},
       "operations": {}, "shapes": {}}
for name, op in src["operations"].items():
    o = {}
    if "input" in op:
        o["input"] = op["input"]["shape"]
    if "output" in op:
        o["output"] = op["output"]["shape"]
    o["errors"] = [e["shape"] for e in op.get("errors", [])]
    o["auth"] = "none" if op.get("authtype") == "none" else "sigv4"
    out["operations"][name] = o
for name, shape in src["shapes"].items():
    s = {k: shape[k] for k in KEEP_SHAPE if k in shape}
    if "members" in shape:
        s["members"] = {m: v["shape"] for m, v in shape["members"].items()}
    for k in ("member", "key", "value"):
        if k in shape:
            s[k] = shape[k]["shape"]
    out["shapes"][name] = s
json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=False)
sys.stdout.write("\n")
