/**
 * `datasets.fromTexts({ texts, labels, maxTokens?, vocabulary? })`: tokenizes user texts
 * (text/tokenizer.ts) into [maxTokens] int32 ids with a vocabulary built from these texts
 * (or the one given, e.g. the training set's for a test set).
 */
import { ConfigError, show } from "../../errors.js";
import { checkDatasetArgs } from "../args.js";
import { fromArrays } from "../from-arrays.js";
import { Vocabulary, type VocabularyArgs } from "../text/tokenizer.js";
import type { Dataset } from "../types.js";
import { dataFail } from "../validate.js";

export interface FromTextsArgs extends VocabularyArgs {
  texts: readonly string[];
  /** Class index per text. */
  labels: readonly number[];
  /** Tokens per text (truncated / zero-padded). Defaults to 128. */
  maxTokens?: number;
  vocabulary?: Vocabulary;
  numClasses?: number;
  classNames?: readonly string[];
  name?: string;
}

export function fromTexts(args: FromTextsArgs): Dataset & { vocabularyObject: Vocabulary } {
  checkDatasetArgs("fromTexts", args);
  const name = args?.name ?? "texts";
  const maxTokens = args.maxTokens ?? 128;
  if (!Array.isArray(args.texts))
    dataFail(name, "texts", `is ${show(args.texts)}`, {
      value: args.texts,
      expected: "an array of strings",
    });
  args.texts.forEach((t, i) => {
    if (typeof t !== "string")
      dataFail(name, "texts", `is ${show(t)}`, { index: i, value: t, expected: "a string" });
  });
  const vocab = args.vocabulary ?? Vocabulary.build(args.texts, args);
  const x = new Int32Array(args.texts.length * maxTokens);
  args.texts.forEach((t, i) => vocab.encode(t, maxTokens, x, i * maxTokens));
  const d = fromArrays({
    x,
    y: args.labels,
    inputShape: [maxTokens],
    inputDtype: "int32",
    numClasses: args.numClasses,
    classNames: args.classNames,
    name,
  });
  return { ...d, vocabulary: vocab.tokens, vocabularyObject: vocab };
}
