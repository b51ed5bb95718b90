/**
 * One CSV log per trial: a row per epoch, a column per history key (`epoch` first, then keys in
 * first-seen order; an empty cell where an epoch lacks a key). Written whole from a run's
 * history after every checkpoint (to a temporary file, renamed), so it always matches the
 * checkpoint it was written with, even across a killed and resumed attempt.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import type { EpochLog } from "../train/events.js";

export function historyToCsv(history: readonly EpochLog[]): string {
  const keys = ["epoch"];
  for (const log of history) for (const k of Object.keys(log)) if (!keys.includes(k)) keys.push(k);
  const cell = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "" : String(v));
  const quote = (k: string) => (/[",\n]/.test(k) ? `"${k.replace(/"/g, '""')}"` : k);
  const lines = [keys.map(quote).join(",")];
  for (const log of history) lines.push(keys.map((k) => cell(log[k])).join(","));
  return `${lines.join("\n")}\n`;
}

/** Parses a CSV written by historyToCsv back into epoch logs. */
export function csvToHistory(text: string): EpochLog[] {
  const rows = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (rows.length === 0) return [];
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ",") {
        out.push(cur);
        cur = "";
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const keys = split(rows[0]);
  return rows.slice(1).map((line) => {
    const cells = split(line);
    const log: Record<string, number> = {};
    keys.forEach((k, i) => {
      if (cells[i] !== undefined && cells[i] !== "") log[k] = Number(cells[i]);
    });
    return log as EpochLog;
  });
}

export async function writeHistoryCsv(path: string, history: readonly EpochLog[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, historyToCsv(history));
  await rename(tmp, path);
}

export async function readHistoryCsv(path: string): Promise<EpochLog[]> {
  return csvToHistory(await readFile(path, "utf8"));
}
