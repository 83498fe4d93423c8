#!/usr/bin/python3
"""Cross-framework check of mudsc4j's PyTorch interop (README "PyTorch interoperability").

The reference ResNet-20 (ALGORITHM.md 2.1: 3x3 stem, three stages of three BasicBlocks, 3x3 stride-2 conv
shortcuts, average pool, Linear to the embedding) is defined here independently of the Java code.

  make-fixture OUT_DIR   build ResNet-20x1 (BatchNorm and GroupNorm), give BN non-trivial running statistics, save
                         each state_dict as .npz (the layout `./mudsc import` reads) plus a fixed input batch and the
                         PyTorch outputs; the Java test suite loads these files (no Python needed there).
  check NPZ INPUT OUT    load an .npz written by `./mudsc export` into the reference model (strict) and save its
                         outputs on INPUT (an .npy batch) to OUT (.npy), for comparing with DL4J by hand.

Requires python3-torch and python3-numpy (Debian packages).
"""
import argparse
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SKIP = ("__class_embeddings__", "__metadata__")


def norm(channels, group_norm):
    return nn.GroupNorm(8, channels) if group_norm else nn.BatchNorm2d(channels)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, group_norm):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = norm(cout, group_norm)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = norm(cout, group_norm)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), norm(cout, group_norm))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self, width=1, embed_dim=512, group_norm=False, in_channels=3):
        super().__init__()
        w = [16 * width, 32 * width, 64 * width]
        self.conv1 = nn.Conv2d(in_channels, w[0], 3, 1, 1, bias=False)
        self.bn1 = norm(w[0], group_norm)
        layers, cin = [], w[0]
        for stage, cout in enumerate(w):
            blocks = []
            for b in range(3):
                stride = 2 if stage > 0 and b == 0 else 1
                blocks.append(BasicBlock(cin, cout, stride, group_norm))
                cin = cout
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.linear = nn.Linear(w[2], embed_dim)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.linear(torch.flatten(self.avgpool(x), 1))


def make_fixture(out_dir):
    for arch, group_norm in (("resnet20x1-e8@3x8x8", False), ("resnet20gnx1-e8@3x8x8", True)):
        torch.manual_seed(0)
        model = ResNet20(width=1, embed_dim=8, group_norm=group_norm)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.3, 0.3)
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
                    m.num_batches_tracked.fill_(7)
        model.eval()
        x = torch.randn(4, 3, 8, 8)
        with torch.no_grad():
            y = model(x)
        state = {k: v.detach().numpy().astype(np.int64 if v.dtype == torch.long else np.float32)
                 for k, v in model.state_dict().items()}
        meta = json.dumps({"architecture": arch, "source": "src/test/python/torch_reference.py make-fixture"})
        state["__metadata__"] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)
        name = arch.split("@")[0]
        np.savez(f"{out_dir}/{name}.npz", **state)
        np.savez(f"{out_dir}/{name}-io.npz", input=x.numpy().astype(np.float32), output=y.numpy().astype(np.float32))
        print(f"{name}: output[0,:4] = {y[0, :4].tolist()}")


def check(npz_path, input_path, out_path):
    data = np.load(npz_path)
    meta = json.loads(bytes(data["__metadata__"]).decode("utf-8")) if "__metadata__" in data.files else {}
    arch = meta.get("architecture", "")
    state = {k: torch.from_numpy(data[k]) for k in data.files if k not in SKIP}
    width = int(arch.split("x")[1].split("-")[0].split("@")[0]) if "x" in arch else 1
    embed = state["linear.weight"].shape[0]
    model = ResNet20(width=width, embed_dim=embed, group_norm="gn" in arch,
                     in_channels=state["conv1.weight"].shape[1])
    model.load_state_dict(state, strict=True)
    model.eval()
    with torch.no_grad():
        y = model(torch.from_numpy(np.load(input_path)))
    np.save(out_path, y.numpy())
    print(f"{arch}: wrote outputs {tuple(y.shape)} to {out_path}")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("make-fixture")
    f.add_argument("out_dir")
    c = sub.add_parser("check")
    c.add_argument("npz")
    c.add_argument("input")
    c.add_argument("out")
    a = p.parse_args()
    if a.cmd == "make-fixture":
        make_fixture(a.out_dir)
    else:
        check(a.npz, a.input, a.out)
