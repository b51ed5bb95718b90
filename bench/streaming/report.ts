/**
 * bench/streaming/REPORT.md holds one section per benchmark script, each between
 * `<!-- section:NAME -->` and `<!-- /section:NAME -->`; a script rewrites only its own section,
 * so the data-side and training-side numbers can be measured apart.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPORT = join(dirname(fileURLToPath(import.meta.url)), "REPORT.md");
const TITLE = "# Streaming benchmarks (issue 19): Parquet sources and training from them\n";

export function writeSection(name: string, text: string): void {
  const open = `<!-- section:${name} -->`;
  const close = `<!-- /section:${name} -->`;
  const block = `${open}\n${text.trim()}\n${close}`;
  let doc = existsSync(REPORT) ? readFileSync(REPORT, "utf8") : TITLE;
  if (!doc.startsWith(TITLE.trim())) doc = TITLE;
  const a = doc.indexOf(open);
  const b = doc.indexOf(close);
  doc =
    a >= 0 && b > a
      ? doc.slice(0, a) + block + doc.slice(b + close.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(REPORT, doc.endsWith("\n") ? doc : `${doc}\n`);
}
