"""Data-parallel training of a dgen patch with torch.distributed (docs/PYTHON.md).

Each process renders its share of a batch through a PatchModule wrapped in
DistributedDataParallel; DDP averages the gradients, so every process ends up with the
gradient a single process computes on the whole batch. The script checks exactly that.

    /usr/bin/python3 examples/python/distributed.py                 # 2 processes, gloo, CPU
    /usr/bin/python3 examples/python/distributed.py --world-size 4
    torchrun --nproc_per_node 2 examples/python/distributed.py      # started by torchrun

With NCCL (--backend nccl, one process per GPU) the script is the same: it puts each
process on its GPU. PatchModule takes CPU tensors only for now (it refuses CUDA tensors),
so run with gloo until it takes them (docs/PYTHON.md, "Distributed training").
"""
import argparse
import os
import sys
import tempfile

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel

import dgen.torch

FRAMES = 512
BATCH = 8
PATCH = """
(param gain @default 0.5 @min 0 @max 2)
(param cutoff @default 1200 @min 20 @max 20000 @unit Hz)
(param freq @default 220 @min 20 @max 2000 @unit Hz)
(def osc (- (* 2 (phasor freq)) 1))
(out (* gain (biquad (+ osc (* 0.5 (in 1))) @cutoff cutoff @q 1.5)) 1)
"""


class Synth(nn.Module):
    """A small network predicts each voice's pitch from its features; the patch renders."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
        self.patch = dgen.torch.PatchModule(PATCH, trainable=["gain", "cutoff"])

    def forward(self, features, inputs):
        freq = 100 + 300 * torch.sigmoid(self.net(features)[:, 0])
        return self.patch(FRAMES, inputs=inputs, params={"freq": freq})[:, 0]


def batch():
    """The whole batch, the same in every process: features, inputs and targets."""
    rng = np.random.default_rng(42)
    features = torch.tensor(rng.uniform(-1, 1, (BATCH, 2)), dtype=torch.float32)
    inputs = torch.tensor(rng.uniform(-0.2, 0.2, (BATCH, 1, FRAMES)), dtype=torch.float32)
    t = torch.arange(FRAMES) / 48000
    targets = torch.sin(2 * np.pi * 200 * t)[None].repeat(BATCH, 1) * 0.3
    return features, inputs, targets


def gradients(model):
    return torch.cat([p.grad.reshape(-1) for p in model.parameters()]).numpy()


def single_process_gradients():
    model = Synth()
    features, inputs, targets = batch()
    torch.mean((model(features, inputs) - targets) ** 2).backward()
    return gradients(model)


def worker(rank, world_size, backend, init_method, out_dir):
    dist.init_process_group(backend, init_method=init_method, rank=rank, world_size=world_size)
    device = torch.device(f"cuda:{rank % torch.cuda.device_count()}") if backend == "nccl" else None
    model = Synth()
    shares = [x[rank::world_size] for x in batch()]  # this rank's share of the batch
    if device is not None:
        model = model.to(device)
        shares = [x.to(device) for x in shares]
    features, inputs, targets = shares
    ddp = DistributedDataParallel(model, device_ids=[device] if device is not None else None)
    loss = torch.mean((ddp(features, inputs) - targets) ** 2)
    loss.backward()  # DDP averages the gradients of the processes' losses
    np.save(os.path.join(out_dir, f"grad{rank}.npy"), gradients(model.cpu()))
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world-size", type=int, default=2)
    parser.add_argument("--backend", default="gloo", choices=["gloo", "nccl"])
    args = parser.parse_args()
    if BATCH % args.world_size:
        sys.exit(f"--world-size must divide the batch of {BATCH}")
    with tempfile.TemporaryDirectory() as out_dir:
        if "RANK" in os.environ:  # started by torchrun: one process of several
            rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
            worker(rank, world_size, args.backend, "env://", out_dir)
            if rank:
                return
            grads = [np.load(os.path.join(out_dir, "grad0.npy"))]
        else:
            init = "file://" + os.path.join(out_dir, "rendezvous")
            mp.spawn(worker, args=(args.world_size, args.backend, init, out_dir), nprocs=args.world_size)
            grads = [np.load(os.path.join(out_dir, f"grad{r}.npy")) for r in range(args.world_size)]
    whole = single_process_gradients()
    worst = max(float(np.max(np.abs(g - whole)) / np.max(np.abs(whole))) for g in grads)
    print(f"{len(grads)} of {args.world_size} processes ({args.backend}): gradients of "
          f"{whole.size} parameters, largest difference from one process on the whole batch "
          f"{worst:.2e} (relative to the largest gradient)")
    if worst > 1e-5:
        sys.exit("the data-parallel gradients differ from the single-process gradients")


if __name__ == "__main__":
    main()
