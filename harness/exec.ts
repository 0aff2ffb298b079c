/** Runs external programs without a shell; errors carry the command and the tail of its stderr. */
import { execFile, spawn, type ChildProcess } from "node:child_process";

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the program is killed (default 120 s). */
  timeoutMs?: number;
  input?: string;
  maxBuffer?: number;
}

/** A program that exited non-zero, timed out or could not start. */
export class ExecError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const tail = (stderr || stdout).trim().split("\n").slice(-15).join("\n");
    super(`${command} failed (${code ?? "killed"})${tail ? `:\n${tail}` : ""}`);
    this.name = "ExecError";
  }
}

/** Runs `file args…` and resolves with its output; rejects with ExecError. */
export function run(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
        killSignal: "SIGKILL",
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
          const shown = [file, ...args].join(" ").slice(0, 300);
          reject(new ExecError(shown, err.killed ? "timed out" : code, String(stdout), String(stderr)));
        } else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/**
 * The output of a command that looks something up, or null when the command failed (the thing is
 * not there, or the program could not run); an error that is not an ExecError is thrown.
 */
export async function orMissing(p: Promise<ExecResult>): Promise<string | null> {
  try {
    return (await p).stdout;
  } catch (e) {
    if (e instanceof ExecError) return null;
    throw e;
  }
}

/** Starts a long-running program whose stdout lines go to `onLine`; the caller stops it. */
export function stream(
  file: string,
  args: string[],
  onLine: (line: string) => void,
  env?: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(file, args, { env: env ?? process.env, stdio: ["ignore", "pipe", "ignore"] });
  let buf = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.on("error", () => undefined);
  return child;
}

/** A program started by `start`: its exit, and a way to end it at once. */
export interface Started {
  /** Resolves once the program has ended: its exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
  /** SIGKILL (a program under a watchdog gets no grace: `docker build` ignores SIGTERM). */
  kill(): void;
}

/**
 * Starts `file args…` without a shell; its stdout and stderr, decoded as UTF-8, go to `onOutput`
 * in arrival order, so the caller can watch, cap and cut what it prints while it runs.
 */
export function start(
  file: string,
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    onOutput: (text: string) => void;
    /** Its own process group, killed whole: for a program that wraps another (e.g. `timeout`). */
    ownGroup?: boolean;
  },
): Started {
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.ownGroup ?? false,
  });
  for (const s of [child.stdout, child.stderr]) {
    s.setEncoding("utf8");
    s.on("data", (text: string) => opts.onOutput(text));
  }
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", (e) => {
      opts.onOutput(`${file}: ${e.message}\n`);
      resolve(null);
    });
    child.on("close", (code) => resolve(code));
  });
  const kill = () => {
    try {
      if (opts.ownGroup && child.pid) process.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  };
  return { exited, kill };
}
