/** Finds the directory of the polytask package a file belongs to. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pj = join(dir, "package.json");
    if (existsSync(pj) && JSON.parse(readFileSync(pj, "utf8")).name === "polytask") return dir;
    if (dirname(dir) === dir) throw new Error(`polytask: no polytask package.json above ${from}`);
  }
}
