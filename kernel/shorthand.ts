/**
 * tslab rewrites a reference to a variable declared in an earlier cell into `exports.name`,
 * but it resolves the symbol of a shorthand property (`{ digits }`) to the property, not the
 * variable, so `fit({ digits, fashion })` failed with "digits is not defined". Expanding every
 * shorthand property to `name: name` before conversion lets tslab's rewrite see the variable.
 * The insertion stays on the same line, so reported line numbers do not move.
 */
import type * as TS from "typescript";

export function expandShorthand(ts: typeof TS, code: string): string {
  if (!code.includes("{")) return code;
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TSX);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isShorthandPropertyAssignment(node)) {
      inserts.push({ at: node.name.end, text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (inserts.length === 0) return code;
  let out = code;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + text + out.slice(at);
  }
  return out;
}
