/**
 * ZeroMQ transport: binds the five sockets of a connection file, decodes and verifies
 * incoming messages, hands them to the handler, and signs what the handler sends.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as zmq from "zeromq";
import type { Content, Header, Outbound, Request } from "./protocol.js";
import { decode, encode, makeMessage } from "./wire.js";

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export function readConnectionFile(path: string): ConnectionInfo {
  return JSON.parse(readFileSync(path, "utf8")) as ConnectionInfo;
}

type Routed = Request & { identities: Buffer[] };

export class ZmqTransport implements Outbound {
  private readonly session = randomUUID();
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.Publisher();
  private readonly hb = new zmq.Reply();
  private closed = false;
  /** zeromq sockets allow one pending send at a time: chain sends per socket. */
  private readonly sending = new Map<zmq.Socket, Promise<void>>();

  constructor(
    private readonly conn: ConnectionInfo,
    private readonly log: (m: string) => void,
  ) {}

  async bind(onRequest: (req: Request) => void): Promise<void> {
    const addr = (port: number) =>
      this.conn.transport === "ipc"
        ? `ipc://${this.conn.ip}-${port}`
        : `tcp://${this.conn.ip}:${port}`;
    await Promise.all([
      this.shell.bind(addr(this.conn.shell_port)),
      this.control.bind(addr(this.conn.control_port)),
      this.stdin.bind(addr(this.conn.stdin_port)),
      this.iopub.bind(addr(this.conn.iopub_port)),
      this.hb.bind(addr(this.conn.hb_port)),
    ]);
    void this.listen(this.shell, "shell", onRequest);
    void this.listen(this.control, "control", onRequest);
    void this.heartbeat();
  }

  reply(req: Request, msgType: string, content: Content, metadata: Content = {}): void {
    const sock = req.channel === "control" ? this.control : this.shell;
    const msg = makeMessage(msgType, this.session, content, req.header, metadata);
    this.send(
      sock,
      encode((req as Routed).identities ?? [], msg, this.conn.key, this.conn.signature_scheme),
    );
  }

  publish(msgType: string, content: Content, parent?: Header, metadata: Content = {}): void {
    const msg = makeMessage(msgType, this.session, content, parent, metadata);
    const topic = Buffer.from(msgType === "stream" ? `stream.${content.name}` : msgType);
    this.send(this.iopub, encode([topic], msg, this.conn.key, this.conn.signature_scheme));
  }

  /** Resolves when every queued send has been handed to ZeroMQ. */
  async flush(): Promise<void> {
    await Promise.all(this.sending.values());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) s.close();
  }

  private send(sock: zmq.Socket & { send(m: Buffer[]): Promise<void> }, frames: Buffer[]): void {
    if (this.closed) return;
    const prev = this.sending.get(sock) ?? Promise.resolve();
    const next = prev
      .then(() => sock.send(frames))
      .catch((e) => {
        if (!this.closed) this.log(`polytask kernel: send failed: ${e}`);
      });
    this.sending.set(sock, next);
  }

  private async listen(
    sock: zmq.Router,
    channel: "shell" | "control",
    onRequest: (r: Request) => void,
  ) {
    try {
      for await (const frames of sock) {
        try {
          const { identities, message } = decode(frames, this.conn.key, this.conn.signature_scheme);
          onRequest({ ...message, channel, identities } as Routed);
        } catch (e) {
          this.log(`polytask kernel: dropped a ${channel} message: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      if (!this.closed) this.log(`polytask kernel: ${channel} socket failed: ${e}`);
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      for await (const frames of this.hb) await this.hb.send(frames);
    } catch (e) {
      if (!this.closed) this.log(`polytask kernel: heartbeat failed: ${e}`);
    }
  }
}
