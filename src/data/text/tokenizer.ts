/**
 * A word tokenizer and vocabulary for text tasks. Text is lower-cased and split into runs of
 * letters/digits (Unicode-aware) plus single symbols; the vocabulary keeps the most frequent
 * tokens of the training texts (ties broken alphabetically, so it is deterministic).
 * Ids: 0 = padding, 1 = unknown, then tokens by decreasing frequency.
 */
import { ConfigError, show } from "../../errors.js";

export const PAD = "<pad>";
export const UNK = "<unk>";

const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export interface VocabularyArgs {
  /** Most tokens kept, including <pad> and <unk>. Defaults to 10,000. */
  maxSize?: number;
  /** Tokens seen fewer times are unknown. Defaults to 2. */
  minCount?: number;
}

export class Vocabulary {
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(tokens: readonly string[]) {
    if (tokens[0] !== PAD || tokens[1] !== UNK)
      throw new ConfigError(
        `Vocabulary: must start with "${PAD}", "${UNK}"; got ${show(tokens.slice(0, 2))}.`,
        {
          field: "tokens",
          value: tokens.slice(0, 2),
          expected: `["${PAD}", "${UNK}", ...]`,
        },
      );
    this.tokens = [...tokens];
    this.ids = new Map(this.tokens.map((t, i) => [t, i]));
  }

  static build(texts: Iterable<string>, args: VocabularyArgs = {}): Vocabulary {
    const maxSize = args.maxSize ?? 10000;
    const minCount = args.minCount ?? 2;
    if (!Number.isInteger(maxSize) || maxSize < 3)
      throw new ConfigError(`Vocabulary: maxSize ${show(maxSize)} must be an integer >= 3.`, {
        field: "maxSize",
        value: maxSize,
        expected: "an integer >= 3",
      });
    const counts = new Map<string, number>();
    for (const text of texts)
      for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const kept = [...counts.entries()]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, maxSize - 2)
      .map(([t]) => t);
    return new Vocabulary([PAD, UNK, ...kept]);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.ids.get(token) ?? 1;
  }

  /** Token ids of `text`, truncated or padded (with 0) to `length`. */
  encode(text: string, length: number, out = new Int32Array(length), offset = 0): Int32Array {
    const toks = tokenize(text);
    const n = Math.min(length, toks.length);
    for (let i = 0; i < n; i++) out[offset + i] = this.id(toks[i]);
    out.fill(0, offset + n, offset + length);
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) if (ids[i] !== 0) out.push(this.tokens[ids[i]] ?? UNK);
    return out;
  }
}
