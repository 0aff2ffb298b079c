/**
 * Finds the Debian package mirror this machine already uses, so debootstrap fetches from the
 * same place apt does. The project never stores a mirror address: it is read at run time.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** One apt source: its base URL and suites (e.g. `bookworm`, `bookworm-updates`). */
export interface AptSource {
  uri: string;
  suites: string[];
}

/** Parses one-line `deb [opts] <uri> <suite> <components…>` entries (sources.list format). */
export function parseSourcesList(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line.startsWith("deb ") && !line.startsWith("deb\t")) continue;
    // Drop the bracketed options (`[arch=amd64 signed-by=…]`), which may contain spaces.
    const words = line
      .slice(3)
      .replace(/\[[^\]]*\]/, " ")
      .trim()
      .split(/\s+/);
    const [uri, suite] = words;
    if (uri && suite) out.push({ uri, suites: [suite] });
  }
  return out;
}

/** Parses deb822 `.sources` stanzas; only `Types: deb` stanzas that are not disabled count. */
export function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = "";
    for (const raw of stanza.split("\n")) {
      if (raw.startsWith("#")) continue;
      // Continuation lines start with whitespace and extend the previous field.
      if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last) ?? ""} ${raw.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(raw);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!.trim());
    }
    const types = (fields.get("types") ?? "").split(/\s+/);
    if (!types.includes("deb")) continue;
    if ((fields.get("enabled") ?? "yes").toLowerCase() === "no") continue;
    const suites = (fields.get("suites") ?? "").split(/\s+/).filter(Boolean);
    for (const uri of (fields.get("uris") ?? "").split(/\s+/).filter(Boolean)) out.push({ uri, suites });
  }
  return out;
}

/**
 * Picks the mirror that serves `suite` itself (not `-security`/`-updates`), else the first
 * source whose URI does not look like a security archive. Null when nothing fits.
 */
export function pickMirror(sources: AptSource[], suite: string): string | null {
  const exact = sources.find((s) => s.suites.includes(suite));
  const fallback = sources.find(
    (s) => !/security/.test(s.uri) && s.suites.every((x) => !x.endsWith("-security")),
  );
  const chosen = exact ?? fallback;
  return chosen ? chosen.uri.replace(/\/+$/, "") : null;
}

/** Reads /etc/apt/sources.list and sources.list.d (both formats) and picks the mirror for `suite`. */
export async function readAptMirror(suite: string, root = "/etc/apt"): Promise<string | null> {
  const sources: AptSource[] = [];
  const main = await readFile(join(root, "sources.list"), "utf8").catch(() => "");
  sources.push(...parseSourcesList(main));
  const dir = join(root, "sources.list.d");
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8").catch(() => "");
    if (name.endsWith(".sources")) sources.push(...parseDeb822(text));
    else if (name.endsWith(".list")) sources.push(...parseSourcesList(text));
  }
  return pickMirror(sources, suite);
}
