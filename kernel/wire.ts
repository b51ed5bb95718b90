/**
 * The Jupyter wire format: [identities..., "<IDS|MSG>", hmac, header, parent, metadata,
 * content, buffers...], signed with HMAC over the four JSON frames.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { type Content, type Header, type Message, PROTOCOL_VERSION } from "./protocol.js";

const DELIM = Buffer.from("<IDS|MSG>");

export interface WireMessage {
  identities: Buffer[];
  message: Message;
}

export function sign(key: string, scheme: string, frames: Buffer[]): string {
  if (!key) return "";
  const hmac = createHmac(scheme.replace(/^hmac-/, ""), key);
  for (const f of frames) hmac.update(f);
  return hmac.digest("hex");
}

/** Parses and verifies one multipart message; throws on a bad signature. */
export function decode(frames: Buffer[], key: string, scheme = "hmac-sha256"): WireMessage {
  const at = frames.findIndex((f) => f.equals(DELIM));
  if (at < 0) throw new Error("wire: message without <IDS|MSG> delimiter");
  const identities = frames.slice(0, at);
  const signature = frames[at + 1]?.toString() ?? "";
  const body = frames.slice(at + 2, at + 6);
  if (body.length < 4) throw new Error("wire: message with fewer than 4 frames");
  const expected = sign(key, scheme, body);
  if (key && !safeEqual(signature, expected)) throw new Error("wire: invalid HMAC signature");
  const [header, parent, metadata, content] = body.map((b) => JSON.parse(b.toString() || "{}"));
  return {
    identities,
    message: { header, parent_header: parent, metadata, content, buffers: frames.slice(at + 6) },
  };
}

export function encode(
  identities: Buffer[],
  message: Message,
  key: string,
  scheme = "hmac-sha256",
): Buffer[] {
  const body = [message.header, message.parent_header, message.metadata, message.content].map((x) =>
    Buffer.from(JSON.stringify(x)),
  );
  const buffers = (message.buffers ?? []).map((b) => Buffer.from(b));
  return [...identities, DELIM, Buffer.from(sign(key, scheme, body)), ...body, ...buffers];
}

export function makeHeader(msgType: string, session: string, username = "kernel"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

export function makeMessage(
  msgType: string,
  session: string,
  content: Content,
  parent?: Header,
  metadata: Content = {},
): Message {
  return { header: makeHeader(msgType, session), parent_header: parent ?? {}, metadata, content };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
