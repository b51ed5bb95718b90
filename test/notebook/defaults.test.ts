import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { liveByDefault } from "../../src/notebook/defaults.js";
import { setHost } from "../../src/notebook/host.js";
import { defaultListeners } from "../../src/train/defaults.js";
import "../../src/index.js";

describe("fit's default listeners", () => {
  it("is a live view when a kernel display host is installed", () => {
    setHost({ display() {}, clearOutput() {} });
    try {
      const listeners = defaultListeners();
      assert.equal(listeners.length, 1);
      assert.equal(typeof listeners[0].onEpochEnd, "function");
    } finally {
      setHost(undefined);
    }
  });

  it("is nothing when output is not a terminal and no kernel is present", () => {
    const tty = process.stdout.isTTY;
    (process.stdout as { isTTY?: boolean }).isTTY = false;
    try {
      assert.deepEqual(liveByDefault(), []);
      assert.deepEqual(defaultListeners(), []);
    } finally {
      (process.stdout as { isTTY?: boolean }).isTTY = tty;
    }
  });
});
