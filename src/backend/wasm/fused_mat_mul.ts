import type * as tf from "@tensorflow/tfjs";
/**
 * _FusedMatMul for wasm: transposes go through explicit transposes (XNNPACK path), and a bias that
 * is not one value per output column (e.g. shape [1], which the package's XNNPACK path reads out of
 * bounds: wrong values) is expanded, or added after the product, before the activation.
 */
import { BackendError } from "../../errors.js";
import { batchMatMul } from "./batch_mat_mul.js";
import {
  type Inputs,
  type KernelArgs,
  type WasmBackend,
  rank1Bias,
  release,
  runKernel,
  runOriginal,
  sizeOf,
  transpose,
} from "./wasm_backend.js";

/** The permutation that swaps the last two axes. */
const swapLastPerm = (rank: number): number[] => [
  ...Array.from({ length: rank - 2 }, (_, i) => i),
  rank - 1,
  rank - 2,
];

/** Applies a fused activation with the matching wasm kernel (consumes `x`). */
function activate(
  backend: WasmBackend,
  x: tf.TensorInfo,
  activation: string,
  prelu: tf.TensorInfo | undefined,
  leakyreluAlpha: number,
): tf.TensorInfo {
  let y: tf.TensorInfo;
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      y = runKernel(backend, "Relu", { x });
      break;
    case "relu6":
      y = runKernel(backend, "Relu6", { x });
      break;
    case "elu":
      y = runKernel(backend, "Elu", { x });
      break;
    case "sigmoid":
      y = runKernel(backend, "Sigmoid", { x });
      break;
    case "leakyrelu":
      y = runKernel(backend, "LeakyRelu", { x }, { alpha: leakyreluAlpha });
      break;
    case "prelu":
      if (prelu === undefined) {
        throw new BackendError("_FusedMatMul: activation prelu needs preluActivationWeights.", {
          field: "preluActivationWeights",
          expected: "a tensor",
        });
      }
      y = runKernel(backend, "Prelu", { x, alpha: prelu });
      break;
    default:
      throw new BackendError(`_FusedMatMul: activation ${activation} is not supported on wasm.`, {
        field: "activation",
        value: activation,
        expected: "linear, relu, relu6, elu, sigmoid, leakyrelu or prelu",
      });
  }
  release(backend, x);
  return y;
}

export function fusedMatMul(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const {
    a,
    b,
    bias,
    preluActivationWeights: prelu,
  } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  if (a === undefined || b === undefined) {
    throw new BackendError("_FusedMatMul needs inputs a and b.", {
      field: "inputs",
      expected: "a and b",
    });
  }
  const attrs = args.attrs ?? {};
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  const activation = (attrs.activation as string | undefined) ?? "linear";
  const alpha = (attrs.leakyreluAlpha as number | undefined) ?? 0.2;
  const n = transposeB ? (b.shape[b.shape.length - 2] as number) : (b.shape.at(-1) as number);
  const batch = Math.max(sizeOf(a.shape.slice(0, -2)), sizeOf(b.shape.slice(0, -2)));
  const fusedBias = bias === undefined ? undefined : rank1Bias(backend, bias, n);

  if (batch === 1 && fusedBias !== null && a.dtype === "float32") {
    const aN = transposeA ? transpose(backend, a, swapLastPerm(a.shape.length)) : a;
    const bN = transposeB ? transpose(backend, b, swapLastPerm(b.shape.length)) : b;
    const inputs: Inputs = { a: aN, b: bN };
    if (fusedBias !== undefined) inputs.bias = fusedBias;
    if (prelu !== undefined) inputs.preluActivationWeights = prelu;
    const out = runOriginal(backend, "_FusedMatMul", inputs, {
      ...attrs,
      transposeA: false,
      transposeB: false,
    });
    if (aN !== a) release(backend, aN);
    if (bN !== b) release(backend, bN);
    if (fusedBias !== undefined && bias !== undefined && fusedBias.dataId !== bias.dataId) {
      release(backend, fusedBias);
    }
    return out;
  }
  if (fusedBias != null && bias !== undefined && fusedBias.dataId !== bias.dataId) {
    release(backend, fusedBias);
  }
  let out = batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
  if (bias !== undefined) {
    const sum = runKernel(backend, "Add", { a: out, b: bias });
    release(backend, out);
    out = sum;
  }
  return activate(backend, out, activation, prelu, alpha);
}
