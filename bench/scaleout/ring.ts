/**
 * Spike only (bench/scaleout): a ring all-reduce (sum) over TCP between W processes on one
 * host, the algorithm NCCL and Horovod use: the vector is cut into W chunks; W-1 reduce-scatter
 * steps pass a chunk to the next rank and add the one received from the previous rank, then
 * W-1 all-gather steps circulate the reduced chunks. Each rank sends 2(W-1)/W of the vector.
 * Rank r listens on `basePort + r` and connects to rank r+1.
 */
import { type Socket, connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Reads exact byte counts from a socket. */
class Inbox {
  private chunks: Buffer[] = [];
  private size = 0;
  private waiting?: { n: number; resolve: (b: Buffer) => void };

  constructor(socket: Socket) {
    socket.on("data", (d: Buffer) => {
      this.chunks.push(d);
      this.size += d.length;
      this.flush();
    });
  }

  private flush(): void {
    const w = this.waiting;
    if (!w || this.size < w.n) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = all.length > w.n ? [all.subarray(w.n)] : [];
    this.size = all.length - w.n;
    this.waiting = undefined;
    w.resolve(all.subarray(0, w.n));
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = { n, resolve };
      this.flush();
    });
  }
}

export class Ring {
  bytesSent = 0;

  private constructor(
    readonly rank: number,
    readonly size: number,
    private readonly next: Socket,
    private readonly prev: Inbox,
    private readonly sockets: Socket[],
  ) {}

  static async open(rank: number, size: number, basePort: number): Promise<Ring> {
    let accepted: Socket | undefined;
    const server = createServer((s) => {
      s.setNoDelay(true);
      accepted = s;
    });
    await new Promise<void>((res) => server.listen(basePort + rank, "127.0.0.1", res));
    let next: Socket | undefined;
    for (let i = 0; i < 400 && !next; i++) {
      next = await new Promise<Socket | undefined>((res) => {
        const s = connect(basePort + ((rank + 1) % size), "127.0.0.1");
        s.once("connect", () => res(s));
        s.once("error", () => res(undefined));
      });
      if (!next) await sleep(25);
    }
    if (!next) throw new Error(`rank ${rank}: cannot reach rank ${(rank + 1) % size}`);
    next.setNoDelay(true);
    while (!accepted) await sleep(5);
    server.close();
    return new Ring(rank, size, next, new Inbox(accepted), [next, accepted]);
  }

  private send(bytes: Uint8Array): void {
    this.bytesSent += bytes.byteLength;
    this.next.write(bytes);
  }

  /** Sums `v` across ranks in place (every rank ends with the same sum). */
  async allReduce(v: Float32Array | Float64Array): Promise<void> {
    const w = this.size;
    if (w === 1) return;
    const n = v.length;
    const bounds = Array.from({ length: w + 1 }, (_, i) => Math.floor((i * n) / w));
    const chunk = (c: number) => v.subarray(bounds[c], bounds[c + 1]);
    const bytesOf = (a: Float32Array | Float64Array) =>
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const Ctor = v instanceof Float64Array ? Float64Array : Float32Array;
    const mod = (k: number) => ((k % w) + w) % w;
    for (let s = 0; s < w - 1; s++) {
      const out = chunk(mod(this.rank - s));
      const inc = chunk(mod(this.rank - s - 1));
      this.send(bytesOf(out).slice());
      const got = await this.prev.read(inc.byteLength);
      const add = new Ctor(got.buffer.slice(got.byteOffset, got.byteOffset + got.byteLength));
      for (let i = 0; i < inc.length; i++) inc[i] += add[i];
    }
    for (let s = 0; s < w - 1; s++) {
      const out = chunk(mod(this.rank + 1 - s));
      const inc = chunk(mod(this.rank - s));
      this.send(bytesOf(out).slice());
      const got = await this.prev.read(inc.byteLength);
      inc.set(new Ctor(got.buffer.slice(got.byteOffset, got.byteOffset + got.byteLength)));
    }
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
  }
}
