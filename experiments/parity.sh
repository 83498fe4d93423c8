#!/usr/bin/env bash
# Parity with the reference (issue 14): merges the reference fixture's two models (src/test/resources/parity/) with all
# seven methods in parity mode (the reference run's training images in its order, no augmentation, the reference's
# sweep order, alpha 0.5, batch 100) and in the default mode over three seeds, and writes results/parity.md: the
# reference's metrics beside both. Every number comes from ./mudsc import / ./mudsc merge; python3 only tabulates the
# merged models' sidecars. About 10 minutes on 2 cores.
#   bash experiments/parity.sh [--overwrite]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/results/parity.md"
if [ -e "$out" ] && [ "${1:-}" != "--overwrite" ]; then
  echo "parity.sh: $out exists; pass --overwrite to replace it" >&2
  exit 2
fi
fixture="$here/src/test/resources/parity"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
"$here/mudsc" import "$fixture/model_a.npz" --out "$work/a.zip"
"$here/mudsc" import "$fixture/model_b.npz" --out "$work/b.zip"
"$here/mudsc" merge "$work/a.zip" "$work/b.zip" --method all --alpha 0.5 --batch 100 \
  --train-indices "$fixture/train_idx.npy" --augment none --order reference --out "$work/parity"
for seed in 0 1 2; do
  "$here/mudsc" merge "$work/a.zip" "$work/b.zip" --method all --alpha 0.5 --batch 100 --per-class 200 \
    --seed "$seed" --out "$work/default-$seed"
done
took=$(( $(date +%s) - start ))
commit="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
isa=$(grep -q ' avx512f' /proc/cpuinfo && echo AVX-512 || echo AVX2)
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($isa), $(uname -s)"
python3 - "$fixture/reference-results.json" "$work" "$out.tmp" "$commit" "$took" "$machine" <<'PY'
import json, os, statistics, sys
ref_file, work, target, commit, took, machine = sys.argv[1:]
ref = json.load(open(ref_file))["methods"]
names = {"avg": "Weight Average", "rebasin": "Git Re-Basin", "act-align": "A. Align", "mudsc-align": "MuDSC_align",
         "zipit": "ZipIt!", "weight-zip": "W. Zip", "mudsc-zip": "MuDSC_zip"}
cols = [("joint", "joint"), ("task_a", "taskA"), ("task_b", "taskB"), ("avg", "avg")]

def sidecar(folder, method):
    name = method + ("-a0.50" if method.startswith("mudsc") else "")
    return json.load(open(os.path.join(work, folder, name + ".json")))

lines = ["# Parity with the reference", "",
         "Command: `bash experiments/parity.sh` (commit %s, %d min %d s)." % (commit, int(took) // 60, int(took) % 60),
         "", "- Machine: %s" % machine, "",
         "Inputs: the fixture in `src/test/resources/parity/` (see its FIXTURE.md): two ResNet-20x1 models trained by this",
         "project on Fashion-MNIST classes 0-4 and 5-9, merged by the official reference code (commit c2ef7f0, PyTorch",
         "1.13, CPU) at alpha 0.5; evaluation on all 10,000 test images. Accuracy in %, Joint / Task A / Task B / Avg.", "",
         "- **reference**: `reference-results.json`.",
         "- **parity mode**: `./mudsc merge a.zip b.zip --method all --alpha 0.5 --batch 100 --train-indices train_idx.npy",
         "  --augment none --order reference` (the reference run's 2,000 training images in its order, no augmentation,",
         "  the reference's sweep order).",
         "- **default mode**: `./mudsc merge a.zip b.zip --method all --alpha 0.5 --batch 100 --per-class 200 --seed S`",
         "  for S = 0, 1, 2 (the same 2,000 images, shuffled by the seed and augmented, seeded sweep order): mean ± sample",
         "  std over the three seeds.", "",
         "| method | reference | parity mode | max diff (points) | sweeps ref / parity | default mode, 3 seeds |",
         "|---|---|---|---:|---:|---|"]
for method, name in names.items():
    r = ref[method]
    p = sidecar("parity", method)
    d = [sidecar("default-%d" % s, method) for s in range(3)]
    rv = [100 * r[k] for k, _ in cols]
    pv = [100 * p["metrics"][k] for _, k in cols]
    dv = [[100 * x["metrics"][k] for x in d] for _, k in cols]
    diff = max(abs(a - b) for a, b in zip(rv, pv))
    sweeps = "%d / %d" % (r["sweeps"], len(p["sweeps"])) if method != "avg" else "%d / (identity)" % r["sweeps"]
    lines.append("| %s | %s | %s | %.2f | %s | %s |" % (
        name, " / ".join("%.2f" % v for v in rv), " / ".join("%.2f" % v for v in pv), diff, sweeps,
        " / ".join("%.2f ± %.2f" % (statistics.mean(v), statistics.stdev(v)) for v in dv)))
lines += ["",
          "Weight average takes the identity match directly instead of running the reference's trivial sweeps (same",
          "result). For the alignment methods `ReferenceParityTest` also compares every merged tensor with the",
          "reference's `reference-merged/<method>.npz` (relative error <= 1e-4).", ""]
open(target, "w").write("\n".join(lines))
PY
mv "$out.tmp" "$out"
echo "parity.sh: wrote $out"
