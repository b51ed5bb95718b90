/**
 * The TensorFlow.js converter (`tensorflowjs` from PyPI) for the "tfjs-graph" and "savedmodel"
 * export formats: tfjs_layers_model -> tfjs_graph_model / keras_saved_model, run by TensorFlow's
 * Python. It lives in its own venv, `<native dir>/venv-export` (or `$POLYTASK_EXPORT_VENV`),
 * made on first use: the native setup's venv holds the TensorFlow wheel without its Python
 * dependencies, so this venv reuses that TensorFlow package (a .pth line) and adds TensorFlow's
 * Python dependencies, `tf-keras` of the same version, `tensorflow-hub` and `tensorflowjs`
 * itself (`--no-deps`: its JAX, Flax and TF Decision Forests requirements serve conversions
 * polytask never runs; the driver script stubs their imports).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { nativeDir } from "../../backend/native.js";
import { ExportError } from "../../errors.js";

const run = promisify(execFile);

export const TFJS_CONVERTER_VERSION = "4.22.0";
const HUB_VERSION = "0.16.1";
const MARKER = "polytask-converter.json";

/** The converter's venv. */
export function converterVenv(): string {
  return process.env.POLYTASK_EXPORT_VENV || join(nativeDir(), "venv-export");
}

function sitePackages(venv: string): string | undefined {
  const lib = join(venv, "lib");
  const py = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith("python3")) : undefined;
  return py ? join(lib, py, "site-packages") : undefined;
}

const PTH = "polytask-native-tensorflow.pth";

/**
 * Why the converter cannot run now (not installed, or the native TensorFlow it shares is gone),
 * or undefined when it is ready.
 */
export function converterProblem(): string | undefined {
  const venv = converterVenv();
  if (!existsSync(join(venv, MARKER)) || !existsSync(join(venv, "bin", "python")))
    return `the TensorFlow.js converter is not installed in ${venv} (npx polytask native setup, then npx polytask native converter)`;
  const site = sitePackages(venv);
  let shared = "";
  try {
    shared = readFileSync(join(site as string, PTH), "utf8").trim();
  } catch {
    return `${venv} does not name the native TensorFlow it shares (${PTH})`;
  }
  if (!existsSync(join(shared, "tensorflow")))
    return `the native TensorFlow the converter shares (${shared}) is gone (rerun npx polytask native setup)`;
  return undefined;
}

/** The native setup's TensorFlow wheel: its site-packages and version, if set up. */
function nativeTensorflow(): { site: string; version: string; python: string } | undefined {
  const venv = join(nativeDir(), "venv");
  const site = sitePackages(venv);
  if (!site || !existsSync(join(site, "tensorflow"))) return undefined;
  const info = readdirSync(site).find((d) => /^tensorflow(_cpu)?-[\d.]+\.dist-info$/.test(d));
  const version = info?.match(/-([\d.]+)\.dist-info$/)?.[1];
  return version ? { site, version, python: join(venv, "bin", "python") } : undefined;
}

/** TensorFlow's own Python requirements (no extras, no libclang: it serves TF's build tools). */
function tensorflowRequirements(site: string): string[] {
  const info = readdirSync(site).find((d) => /^tensorflow(_cpu)?-[\d.]+\.dist-info$/.test(d));
  const meta = readFileSync(join(site, info as string, "METADATA"), "utf8");
  return meta
    .split("\n")
    .filter((l) => l.startsWith("Requires-Dist:") && !l.includes("extra =="))
    .map((l) => l.slice("Requires-Dist:".length).split(";")[0].trim())
    .filter((r) => !/^libclang\b/.test(r));
}

async function pip(python: string, args: string[], what: string): Promise<void> {
  try {
    await run(
      python,
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch (e) {
    const out = `${(e as { stdout?: string }).stdout ?? ""}\n${(e as { stderr?: string }).stderr ?? ""}`;
    throw new ExportError(
      `Installing the TensorFlow.js converter failed at ${what} (is PyPI reachable?).\n--- last output ---\n${out.trim().split("\n").slice(-15).join("\n")}`,
      { field: "converter", value: converterVenv(), cause: e },
    );
  }
}

/**
 * Makes the converter venv unless it is ready. Needs the native setup's TensorFlow (`npx
 * polytask native setup`). `log` hears one line before the install (it downloads ~200 MB).
 */
export async function ensureConverter(log: (line: string) => void): Promise<string> {
  const venv = converterVenv();
  const python = join(venv, "bin", "python");
  if (converterProblem() === undefined) return python;
  const tf = nativeTensorflow();
  if (!tf)
    throw new ExportError(
      `The "tfjs-graph" and "savedmodel" export formats run TensorFlow's converter, which needs the native TensorFlow set up (${join(nativeDir(), "venv")} has no tensorflow package). Run \`npx polytask native setup\` first, or export with { format: "tfjs-layers" }.`,
      { field: "format", expected: "a native setup (npx polytask native setup)" },
    );
  log(
    `polytask export: installing the TensorFlow.js converter into ${venv} (once): tensorflowjs ${TFJS_CONVERTER_VERSION}, tf-keras ${tf.version}, tensorflow-hub ${HUB_VERSION} and TensorFlow's Python dependencies (about 200 MB from PyPI); TensorFlow itself is shared with ${join(nativeDir(), "venv")}.`,
  );
  if (!existsSync(python)) {
    try {
      await run(tf.python, ["-m", "venv", venv]);
    } catch (e) {
      throw new ExportError(`Cannot create the converter venv ${venv}: ${(e as Error).message}`, {
        field: "converter",
        value: venv,
        cause: e,
      });
    }
  }
  const site = sitePackages(venv) as string;
  writeFileSync(join(site, PTH), `${tf.site}\n`);
  await pip(python, tensorflowRequirements(tf.site), "TensorFlow's Python dependencies");
  await pip(
    python,
    [
      "--no-deps",
      `tensorflowjs==${TFJS_CONVERTER_VERSION}`,
      `tf-keras==${tf.version}`,
      `tensorflow-hub==${HUB_VERSION}`,
    ],
    "tensorflowjs, tf-keras and tensorflow-hub",
  );
  writeFileSync(
    join(venv, MARKER),
    JSON.stringify({ tensorflowjs: TFJS_CONVERTER_VERSION, tensorflow: tf.version }, null, 2),
  );
  return python;
}

/**
 * Stubs the imports of conversions polytask never runs, then runs the converter's CLI once per
 * step (argv lists, as JSON), in one process.
 */
const DRIVER = `
import json, sys, types
def stub(name, **attrs):
    m = types.ModuleType(name); m.__dict__.update(attrs); sys.modules.setdefault(name, m)
stub("tensorflow_decision_forests")
def _no_jax(*a, **k):
    raise RuntimeError("JAX conversion is not part of polytask's export")
stub("tensorflowjs.converters.jax_conversion", convert_jax=_no_jax)
from tensorflowjs.converters import converter
for argv in json.loads(sys.argv[1]):
    converter.convert(argv)
`;

/**
 * Converts a LayersModel folder (`src/model.json`) into `dst`: a SavedModel (keras_saved_model),
 * or a GraphModel made from that SavedModel (tf_saved_model -> tfjs_graph_model; the converter's
 * direct tfjs_layers_model -> tfjs_graph_model path names the outputs `Identity_<k>:0` instead
 * of the tasks when the model has several inputs). `work` takes the intermediate files and
 * the converter's temporary ones (TMPDIR).
 */
export async function convertLayersModel(
  python: string,
  src: string,
  dst: string,
  format: "tfjs-graph" | "savedmodel",
  work: string,
): Promise<void> {
  const saved = format === "savedmodel" ? dst : join(work, "saved_model");
  const steps = [
    [
      "--input_format=tfjs_layers_model",
      "--output_format=keras_saved_model",
      join(src, "model.json"),
      saved,
    ],
    ...(format === "tfjs-graph"
      ? [["--input_format=tf_saved_model", "--output_format=tfjs_graph_model", saved, dst]]
      : []),
  ];
  try {
    await run(python, ["-c", DRIVER, JSON.stringify(steps)], {
      env: {
        ...process.env,
        TF_CPP_MIN_LOG_LEVEL: "3",
        PYTHONDONTWRITEBYTECODE: "1",
        TMPDIR: work,
      },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = `${(e as { stderr?: string }).stderr ?? (e as Error).message}`;
    throw new ExportError(
      `TensorFlow.js's converter failed (tfjs_layers_model -> ${format}).\n--- last output ---\n${err.trim().split("\n").slice(-15).join("\n")}`,
      { field: "format", value: format, cause: e },
    );
  }
}
