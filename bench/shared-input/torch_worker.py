"""PyTorch baseline for bench/shared-input/run.ts: the K-task LeNet of common.ts (conv 5x5 10 ->
max-pool -> conv 5x5 20 -> max-pool -> FC 320x50, one Linear(50, 10) head per task in a
ModuleList, the usual way to write it) from polytask's initial weights, on the same images and
labels, plain SGD. Methods: "ew" (sum of the task losses, one backward), "pcgrad" and "mgda"
(one forward, one backward per task with retain_graph, the shared parameters' gradients combined
from their Gram matrix as polytask does, heads with their own task's gradient). Prints one JSON
line with each step's wall time.

usage: torch_worker.py DATA INIT K BATCH WARMUP STEPS METHOD THREADS
"""
import json
import random
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

data_file, init_file = sys.argv[1], sys.argv[2]
k, batch, warmup, steps = (int(a) for a in sys.argv[3:7])
method, threads = sys.argv[7], int(sys.argv[8])
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
n = batch * (warmup + steps)

raw = open(data_file, "rb").read()
per = 28 * 28
total = len(raw) // 4
n_file = total // (per + k)
x_all = torch.frombuffer(bytearray(raw[: n_file * per * 4]), dtype=torch.float32).reshape(
    n_file, 28, 28, 1
)
x_all = x_all.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
labels = torch.frombuffer(bytearray(raw[n_file * per * 4 :]), dtype=torch.int32).long()
y_all = labels.reshape(k, n_file)

entries = json.load(open(init_file))
blob = torch.frombuffer(bytearray(open(init_file[:-5] + ".bin", "rb").read()), dtype=torch.float32)
init, off = {}, 0
for e in entries:
    init[e["name"]] = blob[off : off + e["length"]].reshape(e["shape"]).clone()
    off += e["length"]


class LeNetK(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 10, 5)
        self.conv2 = torch.nn.Conv2d(10, 20, 5)
        self.fc = torch.nn.Linear(320, 50)
        self.heads = torch.nn.ModuleList([torch.nn.Linear(50, 10) for _ in range(k)])

    def represent(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        # polytask flattens NHWC: (h, w, c)
        return F.relu(self.fc(h.permute(0, 2, 3, 1).flatten(1)))

    def forward(self, x):
        z = self.represent(x)
        return [head(z) for head in self.heads]


model = LeNetK()
with torch.no_grad():
    model.conv1.weight.copy_(init["backbone/conv0/kernel"].permute(3, 2, 0, 1))  # HWIO -> OIHW
    model.conv1.bias.copy_(init["backbone/conv0/bias"])
    model.conv2.weight.copy_(init["backbone/conv1/kernel"].permute(3, 2, 0, 1))
    model.conv2.bias.copy_(init["backbone/conv1/bias"])
    model.fc.weight.copy_(init["backbone/dense0/kernel"].t())
    model.fc.bias.copy_(init["backbone/dense0/bias"])
    for t, head in enumerate(model.heads):
        head.weight.copy_(init[f"head/t{t}/out/kernel"].t())
        head.bias.copy_(init[f"head/t{t}/out/bias"])
shared = [model.conv1.weight, model.conv1.bias, model.conv2.weight, model.conv2.bias, model.fc.weight, model.fc.bias]
opt = torch.optim.SGD(model.parameters(), lr=0.01)


def min_norm(gram):
    """Min-norm point of the convex hull (Frank-Wolfe on the Gram matrix, as in MGDA)."""
    t = gram.shape[0]
    w = torch.full((t,), 1.0 / t, dtype=torch.float64)
    g = gram.double()
    for _ in range(250):
        grad = g @ w
        i = int(torch.argmin(grad))
        d = -w.clone()
        d[i] += 1.0
        gd = float(d @ g @ d)
        if gd <= 1e-20:
            break
        step = min(max(-float(grad @ d) / gd, 0.0), 1.0)
        if step < 1e-10:
            break
        w = w + step * d
    return w.float()


def pcgrad(gram, rng):
    """PCGrad as coefficients over the task gradients, from the Gram matrix."""
    t = gram.shape[0]
    weights = torch.zeros(t, dtype=torch.float64)
    g = gram.double()
    for i in range(t):
        c = torch.zeros(t, dtype=torch.float64)
        c[i] = 1.0
        order = list(range(t))
        rng.shuffle(order)
        for j in order:
            if j == i or g[j, j] <= 0:
                continue
            d = float(c @ g[:, j])
            if d < 0:
                c[j] -= d / float(g[j, j])
        weights += c
    return weights.float()


rng = random.Random(0)
times, losses = [], []
for s in range(warmup + steps):
    o = (s * batch) % max(1, n_file - batch)
    t0 = time.perf_counter()
    x = x_all[o : o + batch]
    ys = y_all[:, o : o + batch]
    opt.zero_grad(set_to_none=True)
    outs = model(x)
    task_losses = [F.cross_entropy(out, ys[t]) for t, out in enumerate(outs)]
    if method == "ew":
        loss = sum(task_losses)
        loss.backward()
        value = float(loss.item())
    else:
        rows = []
        for t, lt in enumerate(task_losses):
            gs = torch.autograd.grad(lt, shared + list(model.heads[t].parameters()), retain_graph=t < k - 1)
            rows.append(torch.cat([g.reshape(-1) for g in gs[: len(shared)]]))
            for p, g in zip(model.heads[t].parameters(), gs[len(shared) :]):
                p.grad = g
        G = torch.stack(rows)
        gram = G @ G.t()
        w = min_norm(gram) if method == "mgda" else pcgrad(gram, rng)
        combined = w @ G
        off = 0
        for p in shared:
            p.grad = combined[off : off + p.numel()].reshape(p.shape)
            off += p.numel()
        value = float(sum(float(lt) for lt in task_losses))
    opt.step()
    ms = (time.perf_counter() - t0) * 1000
    losses.append(value)
    if s >= warmup:
        times.append(ms)

print(json.dumps({"backend": "pytorch", "summary": f"torch {torch.__version__}, {threads} thread(s)", "threads": threads, "k": k, "batch": batch, "weighting": method, "times": times, "loss": losses[-1]}))
