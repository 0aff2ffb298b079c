import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, UsageError, type Io } from "../../../cli/io.ts";
import { main } from "../../../cli/main.ts";

const spec = { challenge: "string", scale: "string", force: "boolean" } as const;

const parses = [
  { case: "positionals in order", args: ["a", "b"], expected: { positional: ["a", "b"], options: {} } },
  {
    case: "a value after the option",
    args: ["a", "--challenge", "robust-service"],
    expected: { positional: ["a"], options: { challenge: "robust-service" } },
  },
  { case: "an inline value", args: ["--scale=0.2"], expected: { positional: [], options: { scale: "0.2" } } },
  { case: "an empty inline value", args: ["--scale="], expected: { positional: [], options: { scale: "" } } },
  { case: "a flag", args: ["--force", "a"], expected: { positional: ["a"], options: { force: true } } },
  {
    case: "the last of a repeated option",
    args: ["--scale", "1", "--scale", "2"],
    expected: { positional: [], options: { scale: "2" } },
  },
  {
    case: "everything after -- is positional",
    args: ["a", "--", "--force", "-x"],
    expected: { positional: ["a", "--force", "-x"], options: {} },
  },
  {
    case: "a value that starts with a dash, inline",
    args: ["--challenge=-x"],
    expected: { positional: [], options: { challenge: "-x" } },
  },
];
for (const t of parses) {
  test(`parseArgs: ${t.case}`, () => {
    const got = parseArgs(t.args, spec);
    assert.deepEqual({ positional: got.positional, options: { ...got.options } }, t.expected);
  });
}

const refusals = [
  {
    case: "an unknown long option",
    args: ["--x"],
    message: "unknown option --x (known: --challenge, --scale, --force)",
  },
  {
    case: "an unknown short option",
    args: ["-x"],
    message: "unknown option -x (known: --challenge, --scale, --force)",
  },
  {
    case: "a missing value at the end",
    args: ["a", "--challenge"],
    message: "option --challenge needs a value",
  },
  {
    case: "an option where the value should be",
    args: ["--challenge", "--force"],
    message: 'option --challenge needs a value (write --challenge=<value> for one that starts with "-")',
  },
  { case: "a value given to a flag", args: ["--force=yes"], message: "option --force takes no value" },
];
for (const t of refusals) {
  test(`parseArgs refuses ${t.case}`, () => {
    assert.throws(
      () => parseArgs(t.args, spec),
      (e: Error) => e instanceof UsageError && e.message === t.message,
    );
  });
}

test("parseArgs: a command without options names none", () => {
  assert.throws(() => parseArgs(["--force"], {}), { message: "unknown option --force (known: none)" });
});

function recorder(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, tty: false, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

const cli = [
  {
    case: "an unknown option names the command, the known options and the usage; exit 2",
    argv: ["run", "demo", "--x"],
    code: 2,
    err: [
      "sre-chaos run: unknown option --x (known: --challenge, --scale, --out)\n" +
        "usage: sre-chaos run <login> [--challenge <id>] [--scale <x>] [--out <dir>]",
    ],
    out: [],
  },
  {
    case: "a bad value is checked after parsing",
    argv: ["run", "demo", "--scale", "11"],
    code: 2,
    err: [
      'sre-chaos run: --scale: expected a number in (0, 10], got "11"\n' +
        "usage: sre-chaos run <login> [--challenge <id>] [--scale <x>] [--out <dir>]",
    ],
    out: [],
  },
  {
    case: "a usage error that is the usage is not printed twice",
    argv: ["validate"],
    code: 2,
    err: ["sre-chaos validate: usage: sre-chaos validate <login>"],
    out: [],
  },
  {
    case: "--help prints the command's usage, exit 0",
    argv: ["sandbox", "--help"],
    code: 0,
    err: [],
    out: ["usage: sre-chaos sandbox [--force]\n  install Docker and build local stand-ins for every image"],
  },
  {
    case: "an unknown command, exit 2",
    argv: ["nope"],
    code: 2,
    err: [/^sre-chaos: unknown command "nope"/],
    out: [],
  },
];
for (const t of cli) {
  test(`sre-chaos: ${t.case}`, async () => {
    const io = recorder();
    assert.equal(await main(t.argv, io), t.code);
    assert.equal(io.errors.length, t.err.length, io.errors.join("\n"));
    t.err.forEach((want, i) =>
      typeof want === "string" ? assert.equal(io.errors[i], want) : assert.match(io.errors[i]!, want),
    );
    assert.deepEqual(io.lines, t.out);
  });
}
