/**
 * The Dockerfile rule (`dockerfile-rules`): build features that reach outside the build sandbox are
 * refused — secret/ssh mounts, host networking, insecure security mode, ADD from a URL or a git
 * ref, and `# syntax=` directives (a custom BuildKit frontend runs arbitrary code of its own).
 * Pure: Dockerfile text in, problems out. This is a reader for the rules, not a full parser: it
 * follows line continuations, the `escape` directive and heredocs, which is what these rules need.
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

/** Splits Dockerfile text into instructions (continuations joined, comments and heredoc bodies skipped). */
function instructions(text: string, problems: DockerfileProblem[]): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = "\\";
  let inPreamble = true;
  const out: Instruction[] = [];
  let current: Instruction | null = null;
  let heredocs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const n = i + 1;
    if (heredocs.length) {
      // A heredoc body ends at a line holding only its delimiter (leading tabs allowed by <<-).
      if (raw.replace(/^\t+/, "") === heredocs[0]) heredocs.shift();
      continue;
    }
    const trimmed = raw.trim();
    if (trimmed.startsWith("#")) {
      // Inside a continued instruction a comment line is dropped and the instruction goes on.
      if (current !== null) continue;
      const d = DIRECTIVE.exec(trimmed);
      if (d && d[1]!.toLowerCase() === "syntax") {
        problems.push({
          line: n,
          message: `a "# syntax=" directive (${d[2]}) selects a custom build frontend, which is not allowed`,
        });
      } else if (d && inPreamble && d[1]!.toLowerCase() === "escape" && (d[2] === "`" || d[2] === "\\")) {
        escape = d[2];
      } else if (!d) {
        inPreamble = false;
      }
      continue;
    }
    if (trimmed === "") {
      if (current === null) inPreamble = false;
      continue;
    }
    inPreamble = false;
    const continues = trimmed.endsWith(escape);
    const body = continues ? trimmed.slice(0, -escape.length) : trimmed;
    if (current === null) {
      const m = /^(\S+)\s*(.*)$/.exec(body)!;
      current = { line: n, keyword: m[1]!.toUpperCase(), args: m[2]! };
    } else {
      current.args += " " + body;
    }
    if (!continues) {
      heredocs = [...current.args.matchAll(HEREDOC)].map((m) => m[2]!);
      out.push(current);
      current = null;
    }
  }
  if (current) out.push(current);
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

/** Every refused build feature in a Dockerfile, in file order. */
export function checkDockerfile(text: string): DockerfileProblem[] {
  const problems: DockerfileProblem[] = [];
  for (const ins of instructions(text, problems)) {
    let { keyword, args } = ins;
    // ONBUILD <instruction> runs in a later build; judge the instruction it carries.
    if (keyword === "ONBUILD") {
      const m = /^(\S+)\s*(.*)$/.exec(args.trim());
      if (!m) continue;
      keyword = m[1]!.toUpperCase();
      args = m[2]!;
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
      for (const src of sources(rest)) {
        if (REMOTE_SOURCE.test(src)) {
          problems.push({
            line: ins.line,
            message: `ADD from a URL or git repository (${src}) is not allowed; the build has no network — copy the files into the entry folder`,
          });
        }
      }
    }
  }
  return problems;
}
