/**
 * The command line's help: every command and subcommand answers --help (and -h) with its usage
 * and runs nothing; a bare group lists its subcommands; unknown names say so and list the
 * valid ones.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { COMMANDS } from "../../src/cli/help.js";
import { main } from "../../src/cli/main.js";

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const ewrite = process.stderr.write.bind(process.stderr);
  // only strings: the test runner's own messages (binary chunks) pass through
  const grab =
    (into: string[], pass: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean =>
      typeof chunk === "string"
        ? into.push(chunk) > 0
        : (pass as (...a: unknown[]) => boolean)(chunk, ...rest);
  process.stdout.write = grab(out, write) as typeof process.stdout.write;
  process.stderr.write = grab(err, ewrite) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = write;
    process.stderr.write = ewrite;
  }
}

describe("polytask --help", () => {
  for (const name of Object.keys(COMMANDS))
    for (const flag of ["--help", "-h"])
      it(`polytask ${name} ${flag} prints its usage`, async () => {
        const r = await capture([...name.split(" "), flag]);
        assert.equal(r.code, 0, r.err);
        // commands with their own usage text print it; the others print help.ts's
        const head = COMMANDS[name].ownHelp
          ? `usage: polytask ${name} `
          : `usage: polytask ${COMMANDS[name].usage}\n`;
        assert.ok(r.out.startsWith(head), r.out);
        assert.equal(r.err, "");
      });

  it("polytask train --help is help, not a config file named --help", async () => {
    const r = await capture(["train", "--help"]);
    assert.match(r.out, /resolved against the config file's folder/);
    assert.match(r.out, /report\.html/);
  });

  for (const group of ["kernel", "native", "data"])
    it(`polytask ${group} alone lists its subcommands`, async () => {
      const r = await capture([group]);
      assert.equal(r.code, 1);
      assert.match(r.out, new RegExp(`usage: polytask ${group} <subcommand>`));
      for (const name of Object.keys(COMMANDS).filter((k) => k.startsWith(`${group} `)))
        assert.ok(r.out.includes(COMMANDS[name].usage), name);
      assert.doesNotMatch(r.out + r.err, /unknown command/);
    });

  it("unknown commands and subcommands are named, with the valid ones", async () => {
    const a = await capture(["trian"]);
    assert.equal(a.code, 2);
    assert.match(a.err, /unknown command "trian"/);
    assert.match(a.err, /train <config\.json>/);
    const b = await capture(["kernel", "instal"]);
    assert.equal(b.code, 2);
    assert.match(b.err, /unknown subcommand "instal"/);
    assert.match(b.err, /kernel install/);
  });

  it("polytask alone and polytask --help list every command", async () => {
    const bare = await capture([]);
    assert.equal(bare.code, 1);
    const help = await capture(["--help"]);
    assert.equal(help.code, 0);
    for (const c of Object.values(COMMANDS)) assert.ok(help.out.includes(c.usage), c.usage);
  });
});
