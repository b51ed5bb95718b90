"""PyTorch baseline of the GPU check (bench/gpu/run.ts): the same models on the same bytes.

- lenet: the two-head LeNet of bench/native (conv 10@9x9, conv 20@5x5, fc 50, two 10-way
  heads), from the same initial weights, plain SGD lr 0.01, batches in order.
- kscale: polytask's convNet({ filters: [10, 20], kernelSize: 5, dense: 50 }) backbone with K
  10-way heads on one shared input, loss = sum of the K cross-entropies (EW), SGD lr 0.01.

Each step copies the batch from host memory, runs forward + backward + update and reads the
loss back (.item()), as the polytask side does. fp32 throughout: TF32 is off for convolutions
and matmuls (webgpu computes in fp32); cudnn.benchmark picks the fastest conv algorithms.
Prints one JSON line per measurement.

usage: torch_bench.py DATA_DIR DEVICE LENET KSCALE KPLAN MAX_SECONDS
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

raw = open(os.path.join(data_dir, "multimnist.u8"), "rb").read()
n = len(raw) // 786
pixels = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
x_all = (pixels[: n * 784].to(torch.float32) / 255).reshape(n, 1, 28, 28)
left_all = pixels[n * 784 : n * 785].to(torch.long)
right_all = pixels[n * 785 : n * 786].to(torch.long)

if device.type == "cuda":
    name = torch.cuda.get_device_name(device)
    summary = f"torch {torch.__version__} on {name} (fp32, TF32 off)"
else:
    summary = f"torch {torch.__version__} on cpu ({torch.get_num_threads()} threads)"


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def lenet_model():
    init = torch.frombuffer(
        bytearray(open(os.path.join(data_dir, "lenet2-init.f32"), "rb").read()), dtype=torch.float32
    )
    shapes = [(9, 9, 1, 10), (10,), (5, 5, 10, 20), (20,), (180, 50), (50,), (50, 10), (10,), (50, 10), (10,)]
    params, off = [], 0
    for s in shapes:
        size = 1
        for d in s:
            size *= d
        params.append(init[off : off + size].reshape(s).clone())
        off += size
    c1w, c1b, c2w, c2b, fw, fb, lw, lb, rw, rb = params
    # tfjs layouts -> PyTorch's: conv HWIO -> OIHW; the flatten order (h, w, c) -> (c, h, w).
    c1w, c2w = c1w.permute(3, 2, 0, 1), c2w.permute(3, 2, 0, 1)
    fw = fw.reshape(3, 3, 20, 50).permute(2, 0, 1, 3).reshape(180, 50).t()

    class LeNet2(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 10, 9)
            self.conv2 = torch.nn.Conv2d(10, 20, 5)
            self.fc = torch.nn.Linear(180, 50)
            self.left = torch.nn.Linear(50, 10)
            self.right = torch.nn.Linear(50, 10)

        def forward(self, x):
            h = F.relu(F.max_pool2d(self.conv1(x), 2))
            h = F.relu(F.max_pool2d(self.conv2(h), 2))
            z = F.relu(self.fc(h.flatten(1)))
            return [self.left(z), self.right(z)]

    m = LeNet2()
    with torch.no_grad():
        for p, v in zip(m.parameters(), [c1w, c1b, c2w, c2b, fw, fb, lw.t(), lb, rw.t(), rb]):
            p.copy_(v.contiguous())
    return m.to(device)


def kscale_model(k):
    class Shared(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 10, 5, padding=2)
            self.conv2 = torch.nn.Conv2d(10, 20, 5, padding=2)
            self.fc = torch.nn.Linear(980, 50)
            self.heads = torch.nn.ModuleList([torch.nn.Linear(50, 10) for _ in range(k)])

        def forward(self, x):
            h = F.max_pool2d(F.relu(self.conv1(x)), 2)
            h = F.max_pool2d(F.relu(self.conv2(h)), 2)
            z = F.relu(self.fc(h.permute(0, 2, 3, 1).flatten(1)))
            return [head(z) for head in self.heads]

    torch.manual_seed(1)
    return Shared().to(device)


def run(kind, model, labels, batch, warmup, steps, tasks=None):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    per = n // batch
    times, losses = [], []
    t0 = time.perf_counter()
    for s in range(warmup + steps):
        o = (s % per) * batch
        sync()
        t = time.perf_counter()
        x = x_all[o : o + batch].to(device)
        ys = [y[o : o + batch].to(device) for y in labels]
        opt.zero_grad(set_to_none=True)
        outs = model(x)
        loss = sum(F.cross_entropy(out, y) for out, y in zip(outs, ys))
        loss.backward()
        opt.step()
        value = loss.item()
        ms = (time.perf_counter() - t) * 1000
        losses.append(value)
        if s >= warmup:
            times.append(ms)
        if s >= warmup and time.perf_counter() - t0 > max_seconds:
            break
    out = {"kind": kind, "backend": "pytorch", "summary": summary, "software": False, "batch": batch}
    if tasks is not None:
        out["tasks"] = tasks
    out.update({"times": times, "losses": losses, "leaked": 0})
    print(json.dumps(out), flush=True)


for spec in filter(None, lenet_arg.split(",")):
    batch, warmup, steps = (int(v) for v in spec.split(":"))
    run("lenet", lenet_model(), [left_all, right_all], batch, warmup, steps)

kbatch, kwarm, ksteps = (int(v) for v in kplan_arg.split(":"))
for k in (int(v) for v in filter(None, kscale_arg.split(","))):
    labels = [(left_all * (j + 1) + right_all * j) % 10 for j in range(k)]
    run("kscale", kscale_model(k), labels, kbatch, kwarm, ksteps, tasks=k)
