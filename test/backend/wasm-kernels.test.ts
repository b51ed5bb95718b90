import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { forceConv2DBackpropInputPath } from "../../src/backend/wasm/conv2d_backprop_input.js";
import { WASM_TRAINING_KERNELS } from "../../src/backend/wasm/index.js";
import { BackendError } from "../../src/errors.js";
import { assertClose, initWasm, onBoth, randomTensor, runKernel } from "./wasm-harness.js";

type Pad = "same" | "valid" | number[][];
interface ConvCase {
  x: [number, number, number, number];
  f: [number, number];
  co: number;
  s: number;
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [1, 7, 7, 1], f: [3, 3], co: 1, s: 1, pad: "same" },
  { x: [2, 9, 8, 3], f: [3, 3], co: 4, s: 2, pad: "same" },
  { x: [3, 10, 10, 5], f: [5, 5], co: 6, s: 1, pad: "valid" },
  { x: [2, 11, 9, 4], f: [4, 2], co: 3, s: 2, pad: "valid" },
  {
    x: [2, 8, 8, 3],
    f: [3, 3],
    co: 5,
    s: 3,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [2, 6, 7, 2],
    f: [2, 2],
    co: 3,
    s: 1,
    pad: [
      [0, 0],
      [3, 2],
      [0, 4],
      [0, 0],
    ],
  },
  { x: [2, 6, 6, 32], f: [3, 3], co: 32, s: 1, pad: "same" },
  { x: [64, 8, 8, 8], f: [3, 3], co: 16, s: 2, pad: "same" },
  { x: [256, 6, 6, 2], f: [3, 3], co: 4, s: 1, pad: "valid" },
  { x: [2, 5, 5, 256], f: [3, 3], co: 8, s: 1, pad: "same" },
];

const label = (c: ConvCase): string =>
  `x[${c.x}] f${c.f.join("x")}->${c.co} s${c.s} ${JSON.stringify(c.pad)}`;

function dyShape(c: ConvCase, depthwise = false, dilation = 1): number[] {
  const filter = [c.f[0], c.f[1], c.x[3], c.co] as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    c.x,
    filter,
    c.s,
    dilation,
    c.pad as "same",
    undefined,
    depthwise,
  );
  return info.outShape;
}

describe("wasm training kernels vs cpu", () => {
  before(async () => {
    const patched = await initWasm();
    assert.deepEqual(patched, [...WASM_TRAINING_KERNELS]);
  });

  it("registration is idempotent and lists every patched kernel", async () => {
    const again = await initWasm();
    assert.deepEqual(again, [...WASM_TRAINING_KERNELS]);
    for (const name of again) assert.ok(tf.getKernel(name, "wasm"), `${name} registered`);
  });

  for (const c of CONV_CASES) {
    it(`Conv2DBackpropFilter ${label(c)}`, async () => {
      const r = await onBoth(() =>
        runKernel(
          "Conv2DBackpropFilter",
          { x: randomTensor(c.x, 1), dy: randomTensor(dyShape(c), 2) },
          { strides: c.s, pad: c.pad, dataFormat: "NHWC", filterShape: [...c.f, c.x[3], c.co] },
        ),
      );
      assertClose(r, label(c));
    });
  }

  for (const path of ["conv", "gemm"] as const) {
    for (const c of CONV_CASES) {
      it(`Conv2DBackpropInput (${path} form) ${label(c)}`, async () => {
        forceConv2DBackpropInputPath(path);
        try {
          const r = await onBoth(() =>
            runKernel(
              "Conv2DBackpropInput",
              { dy: randomTensor(dyShape(c), 2), filter: randomTensor([...c.f, c.x[3], c.co], 3) },
              { strides: c.s, pad: c.pad, dataFormat: "NHWC", inputShape: c.x },
            ),
          );
          assertClose(r, label(c));
        } finally {
          forceConv2DBackpropInputPath(undefined);
        }
      });
    }
  }

  const DEPTHWISE: ConvCase[] = [
    { x: [1, 7, 7, 1], f: [3, 3], co: 1, s: 1, pad: "same" },
    { x: [2, 9, 10, 3], f: [3, 3], co: 2, s: 2, pad: "same" },
    { x: [3, 8, 8, 4], f: [5, 5], co: 1, s: 1, pad: "valid" },
    {
      x: [2, 9, 10, 3],
      f: [2, 2],
      co: 3,
      s: 2,
      pad: [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    },
    { x: [32, 8, 8, 64], f: [3, 3], co: 1, s: 1, pad: "same" },
  ];
  for (const c of DEPTHWISE) {
    // For depthwise cases `co` is the channel multiplier.
    const attrs = { strides: c.s, dilations: 1, pad: c.pad };
    it(`DepthwiseConv2dNativeBackpropFilter ${label(c)}`, async () => {
      const r = await onBoth(() =>
        runKernel(
          "DepthwiseConv2dNativeBackpropFilter",
          { x: randomTensor(c.x, 4), dy: randomTensor(dyShape(c, true), 5) },
          { ...attrs, filterShape: [...c.f, c.x[3], c.co] },
        ),
      );
      assertClose(r, `depthwise ${label(c)}`);
    });
    it(`DepthwiseConv2dNativeBackpropInput ${label(c)}`, async () => {
      const r = await onBoth(() =>
        runKernel(
          "DepthwiseConv2dNativeBackpropInput",
          {
            dy: randomTensor(dyShape(c, true), 5),
            filter: randomTensor([...c.f, c.x[3], c.co], 6),
          },
          { ...attrs, inputShape: c.x },
        ),
      );
      assertClose(r, `depthwise ${label(c)}`);
    });
  }

  // tfjs's cpu depthwise backprops ignore dilations (its gradient refuses dilation > 1), so the
  // dilated wasm result is checked against an undilated filter with zeros between the taps.
  it("depthwise backprops with dilation 2 match the zero-expanded filter", async () => {
    const x = [2, 11, 10, 3] as [number, number, number, number];
    const c: ConvCase = { x, f: [3, 3], co: 2, s: 1, pad: "same" };
    const big: ConvCase = { x, f: [5, 5], co: 2, s: 1, pad: "same" };
    const dy = dyShape(c, true, 2);
    assert.deepEqual(dy, dyShape(big, true));
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const xs = randomTensor(x, 7);
      const dys = randomTensor(dy, 8);
      const w = randomTensor([3, 3, 3, 2], 9);
      const attrs = { strides: 1, pad: "same" };
      const dW = runKernel(
        "DepthwiseConv2dNativeBackpropFilter",
        { x: xs, dy: dys },
        { ...attrs, dilations: 2, filterShape: [3, 3, 3, 2] },
      );
      const dWBig = runKernel(
        "DepthwiseConv2dNativeBackpropFilter",
        { x: xs, dy: dys },
        { ...attrs, dilations: 1, filterShape: [5, 5, 3, 2] },
      );
      const picked = tf.stridedSlice(dWBig, [0, 0, 0, 0], [5, 5, 3, 2], [2, 2, 1, 1]);
      assertClose({ cpu: [picked.bufferSync()], wasm: [dW.bufferSync()] }, "dilated dW");
      const wBig = tf.pad(
        tf.reshape(tf.stack([w, tf.zerosLike(w)], 2), [3, 6, 3, 2]).slice([0, 0], [3, 5]),
        [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      );
      const wBig2 = tf.reshape(tf.stack([wBig, tf.zerosLike(wBig)], 1), [6, 5, 3, 2]).slice(0, 5);
      const dx = runKernel(
        "DepthwiseConv2dNativeBackpropInput",
        { dy: dys, filter: w },
        { ...attrs, dilations: 2, inputShape: x },
      );
      const dxBig = runKernel(
        "DepthwiseConv2dNativeBackpropInput",
        { dy: dys, filter: wBig2 },
        { ...attrs, dilations: 1, inputShape: x },
      );
      assertClose({ cpu: [dxBig.bufferSync()], wasm: [dx.bufferSync()] }, "dilated dx");
    });
    assert.equal(tf.memory().numTensors, before);
  });

  const POOLS: Array<[number, number, "same" | "valid"]> = [
    [2, 2, "valid"],
    [3, 2, "same"],
    [3, 1, "same"],
    [2, 2, "same"],
  ];
  for (const [size, stride, pad] of POOLS) {
    for (const shape of [
      [3, 9, 11, 5],
      [64, 8, 8, 32],
    ]) {
      it(`MaxPoolGrad ${size}x${size} s${stride} ${pad} x[${shape}] (relu ties)`, async () => {
        const r = await onBoth(() => {
          const input = randomTensor(shape, 10, true);
          const output = tf.maxPool(input as tf.Tensor4D, size, stride, pad);
          const dy = randomTensor(output.shape, 11);
          return runKernel(
            "MaxPoolGrad",
            { dy, input, output },
            { filterSize: size, strides: stride, pad },
          );
        });
        assertClose(r, "MaxPoolGrad");
      });
    }
  }

  const FORWARD: Array<ConvCase & { d: number }> = [
    { x: [3, 12, 11, 1], f: [3, 3], co: 4, s: 1, pad: "same", d: 1 },
    { x: [2, 28, 28, 1], f: [9, 9], co: 10, s: 1, pad: "valid", d: 1 },
    { x: [2, 13, 14, 1], f: [5, 4], co: 6, s: 2, pad: "same", d: 1 },
    { x: [2, 13, 14, 1], f: [3, 3], co: 3, s: 1, pad: "valid", d: 2 },
    {
      x: [1, 9, 10, 1],
      f: [3, 5],
      co: 2,
      s: 3,
      pad: [
        [0, 0],
        [2, 1],
        [3, 0],
        [0, 0],
      ],
      d: 1,
    },
    { x: [2, 9, 10, 1], f: [3, 2], co: 2, s: 1, pad: "same", d: 1 },
    { x: [2, 9, 10, 3], f: [3, 3], co: 2, s: 1, pad: "same", d: 1 },
  ];
  for (const c of FORWARD) {
    it(`Conv2D and FusedConv2D (bias, relu) forward ${label(c)} dilation ${c.d}`, async () => {
      const r = await onBoth(() => {
        const x = randomTensor(c.x, 13) as tf.Tensor4D;
        const w = randomTensor([...c.f, c.x[3], c.co], 14) as tf.Tensor4D;
        const pad = c.pad as "same";
        return [
          tf.conv2d(x, w, c.s, pad, "NHWC", c.d),
          tf.fused.conv2d({
            x,
            filter: w,
            strides: c.s,
            pad,
            dilations: c.d,
            bias: randomTensor([c.co], 15),
            activation: "relu",
          }),
        ];
      });
      assertClose(r, `conv forward ${label(c)}`);
    });
  }

  it("a channels-first convolution gradient fails with a typed error naming the field", async () => {
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      assert.throws(
        () =>
          runKernel(
            "Conv2DBackpropFilter",
            { x: tf.ones([1, 2, 5, 5]), dy: tf.ones([1, 3, 3, 3]) },
            { strides: 1, pad: "valid", dataFormat: "NCHW", filterShape: [3, 3, 2, 3] },
          ),
        (e: unknown) =>
          e instanceof BackendError && /dataFormat "NHWC" only, got "NCHW"/.test(e.message),
      );
    });
    assert.equal(tf.memory().numTensors, before);
  });

  it("Conv2DBackpropFilter of an empty batch is zero", async () => {
    const r = await onBoth(() =>
      runKernel(
        "Conv2DBackpropFilter",
        { x: tf.zeros([0, 5, 5, 2]), dy: tf.zeros([0, 3, 3, 4]) },
        { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 2, 4] },
      ),
    );
    assertClose(r, "empty batch", 0);
  });

  for (const ci of [1, 3]) {
    it(`FusedConv2D with a bias of shape [1] (rejected by the package) on ${ci} channel(s)`, async () => {
      const r = await onBoth(() =>
        tf.fused.conv2d({
          x: randomTensor([2, 8, 9, ci], 16) as tf.Tensor4D,
          filter: randomTensor([3, 3, ci, 4], 17) as tf.Tensor4D,
          strides: 1,
          pad: "same",
          bias: tf.tensor1d([0.25]),
          activation: "relu",
        }),
      );
      assertClose(r, "bias [1]");
    });
  }
});
