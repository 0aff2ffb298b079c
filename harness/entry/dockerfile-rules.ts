/**
 * The Dockerfile rule (`dockerfile-rules`): build features that reach outside the build sandbox are
 * refused — secret/ssh mounts, host networking, insecure security mode, ADD (from a URL, a git
 * ref, or local files: the engine unpacks archives outside the build's limits), and `# syntax=` directives (a custom BuildKit frontend runs arbitrary code of its own) — and
 * so are the instructions that would shape the container the platform runs: HEALTHCHECK (only
 * entry.yml's counts), VOLUME, STOPSIGNAL and ONBUILD.
 * Pure: Dockerfile text in, problems out. This is a reader for the rules, not a full parser: it
 * follows line continuations the way Docker does (joined with nothing in between, so `VOL\` +
 * `UME` is VOLUME), the `escape` directive, and heredocs — read both ways, since the classic builder
 * the platform uses has no heredocs and reads their bodies as instructions, while BuildKit skips them.
 */

/** One refused feature, with its 1-based line. */
export interface DockerfileProblem {
  line: number;
  message: string;
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/;
const HEREDOC = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

/** Instructions that decide how the platform runs the container; each is refused with its reason. */
const REFUSED = new Map<string, string>([
  [
    "HEALTHCHECK",
    "HEALTHCHECK is not allowed: only the healthcheck in entry.yml counts (the platform disables any other)",
  ],
  [
    "VOLUME",
    "VOLUME is not allowed: the container gets no volumes (write to /tmp, a tmpfs the platform mounts)",
  ],
  ["STOPSIGNAL", "STOPSIGNAL is not allowed: the platform stops every entry with SIGTERM"],
  ["ONBUILD", "ONBUILD is not allowed: its instructions would run in a later build that nobody checks"],
]);

/** The escape character in force, and whether parser directives may still follow (the preamble). */
interface Preamble {
  escape: string;
  open: boolean;
}

/**
 * A comment line between instructions: a parser directive, or a comment that ends the preamble.
 * `problems` is null for the reading that must not report (both readings see every directive).
 */
function preambleComment(
  trimmed: string,
  n: number,
  preamble: Preamble,
  problems: DockerfileProblem[] | null,
): void {
  const d = DIRECTIVE.exec(trimmed);
  if (d && d[1]!.toLowerCase() === "syntax") {
    problems?.push({
      line: n,
      message: `a "# syntax=" directive (${d[2]}) selects a custom build frontend, which is not allowed`,
    });
  } else if (d && preamble.open && d[1]!.toLowerCase() === "escape" && (d[2] === "`" || d[2] === "\\")) {
    preamble.escape = d[2];
  } else if (!d) {
    preamble.open = false;
  }
}

/**
 * Splits Dockerfile text into instructions (continuations joined, comments skipped). With
 * `heredocs`, heredoc bodies are skipped as BuildKit does; without, they are instructions, as the
 * classic builder reads them.
 */
function instructions(text: string, problems: DockerfileProblem[], heredocs: boolean): Instruction[] {
  const lines = text.split(/\r?\n/);
  const preamble: Preamble = { escape: "\\", open: true };
  const out: Instruction[] = [];
  let current: { line: number; text: string } | null = null;
  let pending: string[] = [];
  const finish = (c: { line: number; text: string }) => {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(c.text.trim());
    if (!m) return;
    out.push({ line: c.line, keyword: m[1]!.toUpperCase(), args: m[2]! });
    if (heredocs) pending = [...m[2]!.matchAll(HEREDOC)].map((h) => h[2]!);
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const n = i + 1;
    if (pending.length) {
      // A heredoc body ends at a line holding only its delimiter (leading tabs allowed by <<-).
      if (raw.replace(/^\t+/, "") === pending[0]) pending.shift();
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed.startsWith("#")) {
      // Inside a continued instruction a comment line is dropped and the instruction goes on.
      if (current === null) preambleComment(trimmed, n, preamble, heredocs ? null : problems);
      continue;
    }
    if (trimmed === "") {
      if (current === null) preamble.open = false;
      continue;
    }
    preamble.open = false;
    // Docker strips the escape character (and blanks after it) and joins the next line as it is.
    const body: string = current === null ? raw.trimStart() : raw;
    const stripped: string = body.replace(/[ \t]+$/, "");
    const continues: boolean = stripped.endsWith(preamble.escape);
    const part: string = continues ? stripped.slice(0, -preamble.escape.length) : body;
    if (current === null) current = { line: n, text: part };
    else current.text += part;
    if (!continues) {
      finish(current);
      current = null;
    }
  }
  if (current) finish(current);
  return out;
}

/** The leading `--flag[=value]` options of an instruction and the rest. */
function splitFlags(args: string): { flags: { name: string; value: string }[]; rest: string } {
  const flags: { name: string; value: string }[] = [];
  let rest = args.trimStart();
  for (;;) {
    const m = /^--([a-zA-Z-]+)(?:=("[^"]*"|\S*))?\s*/.exec(rest);
    if (!m) break;
    flags.push({ name: m[1]!.toLowerCase(), value: (m[2] ?? "").replace(/^"|"$/g, "") });
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

const REMOTE_SOURCE = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/|git@|[^/\s]+\.git(?:[#?].*)?$)/;

/** The source arguments of ADD/COPY (JSON or shell form), without the destination. */
function sources(rest: string): string[] {
  const t = rest.trim();
  if (t.startsWith("[")) {
    try {
      const arr = JSON.parse(t) as unknown;
      if (Array.isArray(arr)) return arr.slice(0, -1).map(String);
    } catch {
      // Not valid JSON: Docker treats it as the shell form, and so do we.
    }
  }
  return t.split(/\s+/).slice(0, -1);
}

/** Every refused build feature in a Dockerfile, in file order (each once, whichever reading found it). */
export function checkDockerfile(text: string): DockerfileProblem[] {
  const directives: DockerfileProblem[] = [];
  const found = [...instructions(text, directives, false), ...instructions(text, directives, true)].flatMap(
    checkInstruction,
  );
  const seen = new Set<string>();
  const problems = [...directives, ...found].filter((p) => {
    const key = `${p.line}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return problems.sort((a, b) => a.line - b.line);
}

/** The refused features of one instruction (and of the instruction an ONBUILD carries). */
function checkInstruction(ins: Instruction): DockerfileProblem[] {
  const problems: DockerfileProblem[] = [];
  let { keyword, args } = ins;
  const refused = REFUSED.get(keyword);
  if (refused) problems.push({ line: ins.line, message: refused });
  // ONBUILD <instruction> runs in a later build; say what it carries too.
  if (keyword === "ONBUILD") {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(args.trim());
    if (!m) return problems;
    keyword = m[1]!.toUpperCase();
    args = m[2]!;
    const carried = REFUSED.get(keyword);
    if (carried) problems.push({ line: ins.line, message: `ONBUILD carries: ${carried}` });
  }
  const { flags, rest } = splitFlags(args);
  if (keyword === "RUN") {
    for (const f of flags) {
      if (f.name === "mount") {
        const type = /(?:^|,)type=([a-z]+)/.exec(f.value)?.[1];
        if (type === "secret" || type === "ssh") {
          problems.push({
            line: ins.line,
            message: `RUN --mount=type=${type} is not allowed (no secrets or SSH agents at build)`,
          });
        }
      } else if (f.name === "network" && f.value === "host") {
        problems.push({ line: ins.line, message: "RUN --network=host is not allowed" });
      } else if (f.name === "security" && f.value === "insecure") {
        problems.push({ line: ins.line, message: "RUN --security=insecure is not allowed" });
      }
    }
  } else if (keyword === "ADD") {
    const srcs = sources(rest);
    for (const src of srcs.filter((s) => REMOTE_SOURCE.test(s))) {
      problems.push({
        line: ins.line,
        message: `ADD from a URL or git repository (${src}) is not allowed; the build has no network — copy the files into the entry folder`,
      });
    }
    // Docker recognises an archive by its content, not its name, and the engine itself unpacks it,
    // outside the build's limits (a 2 MiB gzip of zeros became 2 GiB on disk after the build was
    // stopped): so no local ADD at all.
    if (srcs.some((s) => !REMOTE_SOURCE.test(s))) {
      problems.push({
        line: ins.line,
        message:
          "ADD of local files is not allowed (the engine unpacks archives outside the build's limits); use COPY, and RUN tar to unpack",
      });
    }
  }
  return problems;
}
