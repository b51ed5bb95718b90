import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { decode, encode, makeMessage } from "../../kernel/wire.js";

describe("wire format", () => {
  const key = "secret-key";

  it("round-trips a signed message with identities and buffers", () => {
    const msg = makeMessage("execute_request", "sess", { code: "1 + 1" }, undefined, { m: 1 });
    msg.buffers = [Buffer.from([1, 2, 3])];
    const frames = encode([Buffer.from("id-1")], msg, key);
    assert.equal(frames[1].toString(), "<IDS|MSG>");
    const hmac = createHmac("sha256", key);
    for (const f of frames.slice(3, 7)) hmac.update(f);
    assert.equal(frames[2].toString(), hmac.digest("hex"));
    const back = decode(frames, key);
    assert.deepEqual(back.identities.map(String), ["id-1"]);
    assert.deepEqual(back.message.content, { code: "1 + 1" });
    assert.deepEqual(back.message.metadata, { m: 1 });
    assert.equal(back.message.header.version, "5.3");
    assert.deepEqual([...(back.message.buffers?.[0] ?? [])], [1, 2, 3]);
  });

  it("rejects a bad signature and a message without delimiter", () => {
    const frames = encode([], makeMessage("x", "s", {}), key);
    frames[2] = Buffer.from("0".repeat(64));
    assert.throws(() => decode(frames, key), /invalid HMAC/);
    assert.throws(() => decode([Buffer.from("a")], key), /delimiter/);
  });

  it("accepts unsigned messages when the key is empty", () => {
    const frames = encode([], makeMessage("x", "s", { a: 1 }), "");
    assert.equal(frames[1].toString(), "");
    assert.deepEqual(decode(frames, "").message.content, { a: 1 });
  });
});
