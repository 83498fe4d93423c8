"""Where a PyTorch training step of the peer ResNet-20 goes, by operator (torch.profiler, CPU).

Same model, data, loss and optimiser as the peer script torch_train_bench.py (imported from the path given), 2
warm-up steps, then 5 profiled steps; prints milliseconds per step for the operators that matter:

    /usr/bin/python3 src/test/python/torch_step_profile.py /work/shared/peer/torch_train_bench.py 1
"""
import importlib.util
import sys

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile


def main(peer, width, steps=5):
    spec = importlib.util.spec_from_file_location("peer", peer)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = bench.ResNet20(width)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(128, 3, 32, 32), torch.randint(0, 10, (128,))
    emb = F.normalize(torch.randn(10, 512), dim=1)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(100 * F.normalize(model(x), dim=1) @ emb.T, y)
        loss.backward()
        opt.step()

    model.train()
    step()
    step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    events = {e.key: e.self_cpu_time_total / 1000 / steps for e in prof.key_averages()}
    total = sum(events.values())
    print(f"torch {torch.__version__} width={width}: {total:.0f} ms of operator time per step")
    for name in ("aten::mkldnn_convolution", "aten::convolution_backward", "aten::native_batch_norm",
                 "aten::native_batch_norm_backward", "aten::clamp_min", "aten::threshold_backward", "aten::add"):
        print(f"  {name:36s} {events.get(name, 0):7.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
