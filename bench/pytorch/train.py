"""PyTorch baseline for bench/native/run.ts: the two-head LeNet (conv 10@9x9, conv 20@5x5,
fc 50, two 10-way heads) trained with plain SGD on the benchmark's MultiMNIST file, from the
same initial weights as the polytask runs. Prints one JSON line with the step times.

usage: train.py DATA INIT N BATCH WARMUP STEPS LR THREADS MAX_SECONDS
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

data_file, init_file = sys.argv[1], sys.argv[2]
n, batch, warmup, steps = (int(a) for a in sys.argv[3:7])
lr, threads, max_seconds = float(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9])
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)

raw = open(data_file, "rb").read()
x_all = torch.frombuffer(bytearray(raw[: n * 784 * 4]), dtype=torch.float32).reshape(n, 1, 28, 28)
labels = torch.frombuffer(bytearray(raw[n * 784 * 4 :]), dtype=torch.int32).long()
left_all, right_all = labels[:n], labels[n:]

# The init file holds tfjs layouts: conv HWIO, dense [in, out]; convert to PyTorch's.
init = torch.frombuffer(bytearray(open(init_file, "rb").read()), dtype=torch.float32)
shapes = [(9, 9, 1, 10), (10,), (5, 5, 10, 20), (20,), (180, 50), (50,), (50, 10), (10,), (50, 10), (10,)]
params, off = [], 0
for s in shapes:
    size = 1
    for d in s:
        size *= d
    params.append(init[off : off + size].reshape(s).clone())
    off += size
c1w, c1b, c2w, c2b, fw, fb, lw, lb, rw, rb = params
c1w = c1w.permute(3, 2, 0, 1)  # HWIO -> OIHW
c2w = c2w.permute(3, 2, 0, 1)
# tfjs flattens [3, 3, 20] (h, w, c); PyTorch flattens [20, 3, 3] (c, h, w).
fw = fw.reshape(3, 3, 20, 50).permute(2, 0, 1, 3).reshape(180, 50).t()
lw, rw = lw.t(), rw.t()


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
        return self.left(z), self.right(z)


model = LeNet2()
with torch.no_grad():
    for p, v in zip(model.parameters(), [c1w, c1b, c2w, c2b, fw, fb, lw, lb, rw, rb]):
        p.copy_(v.contiguous())
opt = torch.optim.SGD(model.parameters(), lr=lr)

times, losses = [], []
t0 = time.perf_counter()
for s in range(warmup + steps):
    o = (s * batch) % n
    t = time.perf_counter()
    x, yl, yr = x_all[o : o + batch], left_all[o : o + batch], right_all[o : o + batch]
    opt.zero_grad(set_to_none=True)
    out_l, out_r = model(x)
    loss = F.cross_entropy(out_l, yl) + F.cross_entropy(out_r, yr)
    loss.backward()
    opt.step()
    value = loss.item()
    ms = (time.perf_counter() - t) * 1000
    losses.append(value)
    if s >= warmup:
        times.append(ms)
        if time.perf_counter() - t0 > max_seconds:
            break

summary = f"torch {torch.__version__} on cpu, {torch.get_num_threads()} threads"
print(json.dumps({"backend": "pytorch", "summary": summary, "threads": threads, "times": times, "losses": losses, "leaked": 0}))
