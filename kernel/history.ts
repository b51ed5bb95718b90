/**
 * In-memory input/output history for history_request (tail, range, search). The current
 * kernel session is session number 1 (as IPython numbers sessions from 1).
 */
import type { Content } from "./protocol.js";

export interface HistoryEntry {
  line: number;
  input: string;
  output: string | null;
}

export type HistoryItem = [number, number, string] | [number, number, [string, string | null]];

export const SESSION = 1;

export class History {
  private readonly entries: HistoryEntry[] = [];

  add(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  setOutput(line: number, output: string): void {
    const e = this.entries.find((x) => x.line === line);
    if (e) e.output = output;
  }

  /** Answers one history_request content. */
  query(req: Content): HistoryItem[] {
    const output = req.output === true;
    let picked: HistoryEntry[];
    switch (req.hist_access_type) {
      case "tail":
        picked = this.entries.slice(-Math.max(0, Number(req.n ?? 10)));
        break;
      case "range":
        picked = this.range(req);
        break;
      case "search":
        picked = this.search(String(req.pattern ?? "*"), req.unique === true, req.n);
        break;
      default:
        picked = [];
    }
    return picked.map((e) =>
      output ? [SESSION, e.line, [e.input, e.output]] : [SESSION, e.line, e.input],
    );
  }

  private range(req: Content): HistoryEntry[] {
    const session = Number(req.session ?? 0);
    // 0 means the current session; negative counts back from it (only the current one exists).
    if (session !== 0 && session !== SESSION) return [];
    const start = Number(req.start ?? 0);
    const stop = req.stop == null ? Number.POSITIVE_INFINITY : Number(req.stop);
    return this.entries.filter((e) => e.line >= start && e.line < stop);
  }

  private search(pattern: string, unique: boolean, n: unknown): HistoryEntry[] {
    const re = globToRegExp(pattern);
    let found = this.entries.filter((e) => re.test(e.input));
    if (unique) {
      const seen = new Set<string>();
      const keep: HistoryEntry[] = [];
      for (let i = found.length - 1; i >= 0; i--) {
        if (!seen.has(found[i].input)) {
          seen.add(found[i].input);
          keep.unshift(found[i]);
        }
      }
      found = keep;
    }
    if (n != null) found = found.slice(-Number(n));
    return found;
  }
}

/** IPython-style glob: `*` any run, `?` one character, whole input matched. */
export function globToRegExp(glob: string): RegExp {
  let src = "";
  for (const ch of glob) {
    if (ch === "*") src += "[\\s\\S]*";
    else if (ch === "?") src += "[\\s\\S]";
    else src += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${src}$`);
}
