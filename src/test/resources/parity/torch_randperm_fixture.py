#!/usr/bin/python3
"""Fixture for TorchRandpermTest: what PyTorch's CPU generator and CPU torch.randperm produce.

The MuDSC reference (homogeneous_tasks/mudsc.py, WeightFusion.iter_transform) builds one generator per merge,
`g = torch.Generator(); g.manual_seed(0)`, and calls `torch.randperm(len(perm_names), generator=g)` once per sweep.
This script records, for a few seeds and sizes, the successive permutations such a generator yields (one fresh
generator per (seed, n) case), plus the reference's own case (seed 0, 12 groups of ResNet-20) for all 100 sweeps
its iteration cap allows, and, as a direct check of the raw mt19937 stream, torch.randint(0, 2**31) draws (CPU
randint with a range below 2**32 returns random() % range, i.e. the low 31 bits of one 32-bit output).

Usage (Debian: apt-get install python3-torch):
    /usr/bin/python3 src/test/resources/parity/torch_randperm_fixture.py > src/test/resources/parity/torch-randperm.json
"""
import json
import subprocess

import torch

SEEDS = [0, 1, 42, 2**32 + 5, -1]
SIZES = [0, 1, 2, 3, 5, 12, 21, 37, 100, 257]
CALLS = 5
REFERENCE = {"seed": 0, "n": 12, "calls": 100}
RANDINT_DRAWS = 10


def generator(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def perms(seed, n, calls):
    g = generator(seed)
    return [torch.randperm(n, generator=g).tolist() for _ in range(calls)]


def debian_package():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "python3-torch"], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    cases = [{"seed": s, "n": n, "perms": perms(s, n, CALLS)} for s in SEEDS for n in SIZES]
    ref = dict(REFERENCE, perms=perms(REFERENCE["seed"], REFERENCE["n"], REFERENCE["calls"]))
    randint = []
    for s in SEEDS:
        g = generator(s)
        values = [int(torch.randint(0, 2**31, (1,), generator=g).item()) for _ in range(RANDINT_DRAWS)]
        randint.append({"seed": s, "values": values})
    out = {
        "torch_version": torch.__version__,
        "debian_package": debian_package(),
        "generator": "torch.Generator() (CPU); g.manual_seed(seed); successive torch.randperm(n, generator=g)",
        "randperm": cases,
        "reference_sweeps": ref,
        "randint_low31": randint,
    }
    # one case per line, so that a regenerated fixture diffs readably
    lines = []
    for key, value in out.items():
        if isinstance(value, list):
            rows = ",\n".join("    " + json.dumps(v, separators=(",", ":")) for v in value)
            lines.append(f'  {json.dumps(key)}: [\n{rows}\n  ]')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}")
    print("{\n" + ",\n".join(lines) + "\n}")


if __name__ == "__main__":
    main()
