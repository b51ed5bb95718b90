/**
 * tfjs's duplicate-registration warnings, muted while native.ts loads tfjs-node. (TensorFlow's
 * own C++ start-up lines are another matter: native.ts's quiet loader keeps those out.)
 */

/** The warnings tfjs prints when a second build of it registers what the first already did. */
const DUPLICATE_WARNING =
  /^(The kernel '.*' for backend '.*' is already registered|.* backend was already registered\. Reusing existing backend factory\.|Platform .* has already been set\. Overwriting the platform with .*)$/;

/**
 * Runs `f` with tfjs's duplicate-registration warnings muted. tfjs-node requires the CommonJS
 * build of @tensorflow/tfjs beside the ES module build polytask imports; both register the same
 * cpu and webgl kernels into tfjs's one global registry, harmlessly, with one console.warn each
 * (about 450 lines in every notebook that picked the tensorflow backend). Other warnings pass.
 */
export function withoutDuplicateWarnings<T>(f: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === "string" && DUPLICATE_WARNING.test(args[0])) return;
    warn(...args);
  };
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}
