/**
 * What polytask reports about a WebGPU adapter, and whether it is a software one (a CPU
 * rasteriser such as SwiftShader or llvmpipe): those compute correctly but slower than the
 * CPU backends, so the automatic choice never takes them.
 */
import type { GpuAdapter } from "./dawn.js";

export interface AdapterDescription {
  /** e.g. "nvidia", "google". */
  readonly vendor: string;
  /** e.g. "hopper", "swiftshader". */
  readonly architecture: string;
  /** e.g. "swiftshader-device-subzero-"; often empty on hardware. */
  readonly device: string;
  /** The driver's words, e.g. "NVIDIA H200", "SwiftShader driver 5.0.0". */
  readonly description: string;
  /** True for a software (CPU) adapter. */
  readonly software: boolean;
}

/** Names of the software Vulkan/D3D implementations Dawn can find. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

export function describeAdapter(adapter: GpuAdapter): AdapterDescription {
  const info = adapter.info;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const d = {
    vendor: text(info.vendor),
    architecture: text(info.architecture),
    device: text(info.device),
    description: text(info.description),
  };
  const fallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const named = SOFTWARE.test(`${d.vendor} ${d.architecture} ${d.device} ${d.description}`);
  return Object.freeze({ ...d, software: fallback || named });
}

/** One line for people: "google swiftshader (SwiftShader driver 5.0.0), software". */
export function adapterLine(a: AdapterDescription): string {
  const head = [a.vendor, a.architecture].filter(Boolean).join(" ") || "unknown adapter";
  const desc = a.description && a.description !== head ? ` (${a.description})` : "";
  return `${head}${desc}${a.software ? ", software" : ""}`;
}
