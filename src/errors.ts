/**
 * Typed errors. Every polytask error carries a stable `code`, and where it applies the task,
 * the field, the offending value and what was expected, so callers can react programmatically
 * and people can act on the message.
 */
export interface PolytaskErrorDetails {
  /** Task (or dataset) the error is about. */
  task?: string;
  /** Field, option or argument name. */
  field?: string;
  /** The value that was received. */
  value?: unknown;
  /** What was expected instead, in words. */
  expected?: string;
  /** Index of the offending sample or element, when there is one. */
  index?: number;
  /** File the bad value was read from (streamed datasets), when there is one. */
  file?: string;
  /** Underlying error. */
  cause?: unknown;
}

export class PolytaskError extends Error {
  readonly code: string;
  readonly task?: string;
  readonly field?: string;
  readonly value?: unknown;
  readonly expected?: string;
  readonly index?: number;
  readonly file?: string;

  constructor(code: string, message: string, details: PolytaskErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.task = details.task;
    this.field = details.field;
    this.value = details.value;
    this.expected = details.expected;
    this.index = details.index;
    if (details.file !== undefined) this.file = details.file;
  }
}

/** An option or argument has a bad value. */
export class ConfigError extends PolytaskError {
  constructor(message: string, details: PolytaskErrorDetails = {}) {
    super("E_CONFIG", message, details);
  }
}

/** A name (strategy, sampler, optimizer, backend...) is not registered. */
export class UnknownNameError extends PolytaskError {
  readonly known: readonly string[];
  /**
   * `message` overrides the default "Unknown <kind> "<name>". Known <kind> names: ..." text;
   * `details` the default field (`kind`) and value (`name`), e.g. an option's dotted path.
   */
  constructor(
    kind: string,
    name: string,
    known: readonly string[],
    message?: string,
    details: PolytaskErrorDetails = {},
  ) {
    super(
      "E_UNKNOWN_NAME",
      message ?? `Unknown ${kind} "${name}". Known ${kind} names: ${known.join(", ")}.`,
      { field: kind, value: name, expected: `one of ${known.join(", ")}`, ...details },
    );
    this.known = known;
  }
}

/** Data does not have the shape, type or range it must have. */
export class DataError extends PolytaskError {
  constructor(message: string, details: PolytaskErrorDetails = {}) {
    super("E_DATA", message, details);
  }
}

/** A compute backend cannot be used. */
export class BackendError extends PolytaskError {
  constructor(message: string, details: PolytaskErrorDetails = {}) {
    super("E_BACKEND", message, details);
  }
}

/**
 * A checkpoint cannot be read: missing, damaged, or not a polytask checkpoint. Names the
 * checkpoint directory, the file (or "" for the directory itself) and what is wrong.
 */
export class CheckpointError extends PolytaskError {
  readonly dir: string;
  override readonly file: string;
  constructor(
    dir: string,
    file: string,
    problem: string,
    details: Omit<PolytaskErrorDetails, "field"> = {},
  ) {
    super("E_CHECKPOINT", `Checkpoint "${dir}"${file ? `, ${file}` : ""}: ${problem}`, {
      ...details,
      field: file || "dir",
    });
    this.dir = dir;
    this.file = file;
  }
}

/**
 * A task's gradient holds a NaN or an infinite value (or its squared norm overflows float32).
 * Gradient-based weighting strategies refuse such a step; the training loop rolls the step back
 * and stops with reason "nanLoss", naming the task and the step.
 */
export class NonFiniteGradientError extends PolytaskError {
  constructor(message: string, details: PolytaskErrorDetails = {}) {
    super("E_NONFINITE_GRADIENT", message, details);
  }
}

/** A model (a backbone, head, architecture or format) cannot be exported as asked. */
export class ExportError extends PolytaskError {
  constructor(message: string, details: PolytaskErrorDetails = {}) {
    super("E_EXPORT", message, details);
  }
}

/** Shows a value compactly in an error message. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null)
    return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
