import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDeb822, parseSourcesList, pickMirror, readAptMirror } from "../../../sandbox/apt-mirror.ts";

// Hosts under the reserved .invalid TLD: the project never names a real mirror.
const A = "http://a.invalid/debian";
const S = "http://a.invalid/debian-security";

const listCases: { name: string; text: string; want: { uri: string; suites: string[] }[] }[] = [
  { name: "plain deb line", text: `deb ${A} bookworm main`, want: [{ uri: A, suites: ["bookworm"] }] },
  {
    name: "options in brackets with spaces",
    text: `deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] ${A} bookworm main contrib`,
    want: [{ uri: A, suites: ["bookworm"] }],
  },
  {
    name: "deb-src and comments ignored",
    text: `# deb ${A} bookworm main\ndeb-src ${A} bookworm main`,
    want: [],
  },
  {
    name: "trailing comment and tabs",
    text: `deb\t${S} bookworm-security main # security`,
    want: [{ uri: S, suites: ["bookworm-security"] }],
  },
  { name: "empty", text: "", want: [] },
];

for (const c of listCases) {
  test(`parseSourcesList: ${c.name}`, () => assert.deepEqual(parseSourcesList(c.text), c.want));
}

const deb822Cases: { name: string; text: string; want: { uri: string; suites: string[] }[] }[] = [
  {
    name: "two stanzas with comments",
    text: `Types: deb\n# a comment\nURIs: ${A}\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: ${S}\nSuites: bookworm-security\nComponents: main\n`,
    want: [
      { uri: A, suites: ["bookworm", "bookworm-updates"] },
      { uri: S, suites: ["bookworm-security"] },
    ],
  },
  {
    name: "deb-src only stanza skipped",
    text: `Types: deb-src\nURIs: ${A}\nSuites: bookworm\n`,
    want: [],
  },
  {
    name: "Enabled: no skipped",
    text: `Types: deb\nURIs: ${A}\nSuites: bookworm\nEnabled: no\n`,
    want: [],
  },
  {
    name: "several URIs, case-insensitive field names",
    text: `types: deb deb-src\nuris: ${A} http://b.invalid/debian\nsuites: bookworm\n`,
    want: [
      { uri: A, suites: ["bookworm"] },
      { uri: "http://b.invalid/debian", suites: ["bookworm"] },
    ],
  },
];

for (const c of deb822Cases) {
  test(`parseDeb822: ${c.name}`, () => assert.deepEqual(parseDeb822(c.text), c.want));
}

const pickCases: { name: string; sources: { uri: string; suites: string[] }[]; want: string | null }[] = [
  {
    name: "security first in the list, main suite wins",
    sources: [
      { uri: S, suites: ["bookworm-security"] },
      { uri: A + "/", suites: ["bookworm"] },
    ],
    want: A,
  },
  {
    name: "no exact suite: first non-security source",
    sources: [
      { uri: S, suites: ["bookworm-security"] },
      { uri: A, suites: ["bookworm-updates"] },
    ],
    want: A,
  },
  { name: "only security", sources: [{ uri: S, suites: ["bookworm-security"] }], want: null },
  { name: "nothing", sources: [], want: null },
];

for (const c of pickCases) {
  test(`pickMirror: ${c.name}`, () => assert.equal(pickMirror(c.sources, "bookworm"), c.want));
}

test("readAptMirror reads sources.list and sources.list.d/*.sources", async () => {
  const root = await mkdtemp(join(tmpdir(), "apt-"));
  try {
    await mkdir(join(root, "sources.list.d"));
    await writeFile(join(root, "sources.list"), "# nothing here\n");
    await writeFile(
      join(root, "sources.list.d", "debian.sources"),
      `Types: deb\nURIs: ${A}\nSuites: bookworm\n`,
    );
    await writeFile(join(root, "sources.list.d", "ignored.txt"), `deb http://c.invalid/x bookworm main\n`);
    assert.equal(await readAptMirror("bookworm", root), A);
    assert.equal(await readAptMirror("bookworm", join(root, "missing")), null);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
