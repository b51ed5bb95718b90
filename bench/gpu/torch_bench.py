"""PyTorch baseline of the GPU check (bench/gpu/run.ts): the model polytask trains there, on the
same bytes, from polytask's initial weights.

The K-task LeNet of bench/shared-input/common.ts, written as bench/shared-input/torch_worker.py
writes it: conv 5x5 10 -> relu -> max-pool -> conv 5x5 20 -> relu -> max-pool -> flatten in
polytask's NHWC order -> FC 320x50 -> relu, one nn.Linear(50, 10) head per task in a ModuleList,
loss = sum of the K cross-entropies (EW), plain SGD lr 0.01, batches in order.
- lenet: K = 2 (the left and right digit) at each LeNet batch size;
- kscale: K tasks on one input at the K-scaling batch.

Each step copies the batch from host memory, runs forward + backward + update and reads the
loss back (.item()), as polytask's step does (one read per step). fp32 throughout: TF32 is off
for convolutions and matmuls (webgpu computes in fp32); cudnn.benchmark picks the fastest conv
algorithms. Prints one JSON line per measurement.

usage: torch_bench.py DATA_DIR DEVICE LENET KSCALE KPLAN MAX_SECONDS
  DATA_DIR: bench/gpu/data.ts's files (multimnist.u8, data.json, init-<K>.json/.bin)
  DEVICE = cuda, cpu or auto (cuda when available)
  LENET = "256:5:30,4096:3:20" (batch:warmup:steps, comma-separated; "" for none)
  KSCALE = "2,8,32" (task counts; "" for none); KPLAN = "1024:3:12" (batch:warmup:steps)
"""
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

data_dir, device_name, lenet_arg, kscale_arg, kplan_arg, max_seconds = sys.argv[1:7]
max_seconds = float(max_seconds)
if device_name == "auto":
    device_name = "cuda" if torch.cuda.is_available() else "cpu"
device = torch.device(device_name)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
if device.type == "cpu":
    torch.set_num_threads(max(1, os.cpu_count() or 1))

meta = json.load(open(os.path.join(data_dir, "data.json")))
n, kmax = meta["n"], meta["kmax"]
raw = torch.frombuffer(bytearray(open(os.path.join(data_dir, "multimnist.u8"), "rb").read()), dtype=torch.uint8)
# x travels NHWC [n, 28, 28, 1] as k/255 bytes; PyTorch convolves NCHW
x_all = (raw[: n * 784].to(torch.float32) / 255).reshape(n, 1, 28, 28)
y_all = raw[n * 784 :].to(torch.long).reshape(kmax, n)

if device.type == "cuda":
    summary = f"torch {torch.__version__} on {torch.cuda.get_device_name(device)} (fp32, TF32 off)"
else:
    summary = f"torch {torch.__version__} on cpu ({torch.get_num_threads()} threads)"


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class LeNetK(torch.nn.Module):
    def __init__(self, k):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, 5)
        self.conv2 = torch.nn.Conv2d(10, 20, 5)
        self.fc = torch.nn.Linear(320, 50)
        self.heads = torch.nn.ModuleList([torch.nn.Linear(50, 10) for _ in range(k)])

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        # polytask flattens NHWC: (h, w, c)
        z = F.relu(self.fc(h.permute(0, 2, 3, 1).flatten(1)))
        return [head(z) for head in self.heads]


def model_for(k):
    """LeNetK(k) from polytask's initial weights (init-<k>.json/.bin, tfjs layout)."""
    base = os.path.join(data_dir, f"init-{k}")
    entries = json.load(open(base + ".json"))
    blob = torch.frombuffer(bytearray(open(base + ".bin", "rb").read()), dtype=torch.float32)
    init, off = {}, 0
    for e in entries:
        init[e["name"]] = blob[off : off + e["length"]].reshape(e["shape"]).clone()
        off += e["length"]
    m = LeNetK(k)
    with torch.no_grad():
        m.conv1.weight.copy_(init["backbone/conv0/kernel"].permute(3, 2, 0, 1))  # HWIO -> OIHW
        m.conv1.bias.copy_(init["backbone/conv0/bias"])
        m.conv2.weight.copy_(init["backbone/conv1/kernel"].permute(3, 2, 0, 1))
        m.conv2.bias.copy_(init["backbone/conv1/bias"])
        m.fc.weight.copy_(init["backbone/dense0/kernel"].t())  # [in, out] -> [out, in]
        m.fc.bias.copy_(init["backbone/dense0/bias"])
        for t, head in enumerate(m.heads):
            head.weight.copy_(init[f"head/t{t}/out/kernel"].t())
            head.bias.copy_(init[f"head/t{t}/out/bias"])
    return m.to(device)


def run(kind, k, batch, warmup, steps):
    model = model_for(k)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    per = n // batch
    labels = y_all[:k]
    times, losses = [], []
    timed = 0.0
    for s in range(warmup + steps):
        o = (s % per) * batch
        sync()
        t = time.perf_counter()
        x = x_all[o : o + batch].to(device)
        ys = labels[:, o : o + batch].to(device)
        opt.zero_grad(set_to_none=True)
        outs = model(x)
        loss = sum(F.cross_entropy(out, ys[j]) for j, out in enumerate(outs))
        loss.backward()
        opt.step()
        value = loss.item()
        ms = (time.perf_counter() - t) * 1000
        losses.append(value)
        if s >= warmup:
            times.append(ms)
            timed += ms / 1000
            if timed > max_seconds:
                break
    out = {"kind": kind, "backend": "pytorch", "summary": summary, "software": False}
    out.update({"batch": batch, "tasks": k, "times": times, "losses": losses, "leaked": 0})
    print(json.dumps(out), flush=True)


for spec in filter(None, lenet_arg.split(",")):
    batch, warmup, steps = (int(v) for v in spec.split(":"))
    run("lenet", 2, batch, warmup, steps)

kbatch, kwarm, ksteps = (int(v) for v in kplan_arg.split(":"))
for k in (int(v) for v in filter(None, kscale_arg.split(","))):
    run("kscale", k, kbatch, kwarm, ksteps)
