/**
 * The pure parts of an entry's build: the capped log, the messages for a build stopped at a limit,
 * and the verdict on the built image's config. No I/O, so each is tested as a table.
 */
import type { ImageRunConfig } from "./docker.ts";

/** The caps on an entry's build; the defaults are ENTRY_LIMITS (docs/ENTRY.md, "The build"). */
export interface BuildLimits {
  timeoutMs: number;
  cpus: number;
  memoryMiB: number;
  pids: number;
  /** Output beyond this stops the build. */
  outputMaxBytes: number;
  /** The end of the output that is kept for the error message. */
  logKeepBytes: number;
  /** Disk the build may take from the engine's data root while it runs. */
  diskMaxBytes: number;
  /** Inodes (files, folders) it may take there: a flood of empty files exhausts them, not the bytes. */
  filesMax: number;
  imageMaxBytes: number;
}

/** Why the watchdog stopped a build: the limit it reached, or an interruption. */
export type BuildStop = "time" | "output" | "disk" | "files" | "pids" | "memory" | "aborted";

const mib = (bytes: number) => `${+(bytes / 2 ** 20).toFixed(1)} MiB`;

/** What happened, in the words of the error: each names the limit and its value. */
export function stopMessage(stop: BuildStop, l: BuildLimits): string {
  switch (stop) {
    case "time":
      return `the build timed out after ${+(l.timeoutMs / 1000).toFixed(1)} s and was stopped`;
    case "output":
      return `the build printed more than ${mib(l.outputMaxBytes)} of output; the log was cut there and the build stopped`;
    case "disk":
      return `the build wrote more than ${mib(l.diskMaxBytes)} to disk and was stopped`;
    case "files":
      return `the build created more than ${l.filesMax} files and was stopped`;
    case "pids":
      return `the build reached its limit of ${l.pids} processes (a fork bomb?) and was stopped`;
    case "aborted":
      return "the build was interrupted and stopped";
    case "memory":
      return `a process of the build ran out of memory (the limit is ${l.memoryMiB} MiB) and was killed; the build fails`;
  }
}

/**
 * Keeps the last `keep` characters of a stream and counts every byte that went by: a build's log
 * costs bounded memory however much it prints.
 */
export class OutputTail {
  #chunks: string[] = [];
  #kept = 0;
  /** Bytes seen so far (UTF-8). */
  total = 0;
  constructor(readonly keep: number) {}

  push(text: string): void {
    this.total += Buffer.byteLength(text);
    this.#chunks.push(text);
    this.#kept += text.length;
    // Compacted only once twice the budget is held, so a stream of small chunks costs little.
    if (this.#kept > 2 * this.keep) {
      const joined = this.#chunks.join("").slice(-this.keep);
      this.#chunks = [joined];
      this.#kept = joined.length;
    }
  }

  /** The kept end of the stream (at most `keep` characters). */
  text(): string {
    return this.#chunks.join("").slice(-this.keep);
  }
}

/** The docker client's notice that the classic builder is deprecated: noise in every build's log. */
const CLIENT_BANNER = [
  /^DEPRECATED: The legacy builder is deprecated/,
  /^\s+BuildKit is currently disabled; enable it/,
  /^\s+environment-variable\.\s*$/,
];

/**
 * A build log made safe to print in a terminal or a pull-request comment: terminal escape
 * sequences and control characters out, carriage-return progress reduced to its last state,
 * the client's deprecation banner dropped, the last `lines` lines (each cut at 300 characters).
 */
export function cleanLog(text: string, lines = 20): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/g, "")
      .split("\n")
      .map((l) => l.slice(l.lastIndexOf("\r") + 1))
      // eslint-disable-next-line no-control-regex
      .map((l) => l.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "").slice(0, 300))
      .filter((l) => l.trim() !== "" && !CLIENT_BANNER.some((b) => b.test(l)))
      .slice(-lines)
      .join("\n")
  );
}

/** The verdict on a built image's config: what refuses it, and what the platform overrides at run time. */
export interface ImageVerdict {
  refused: string[];
  ignored: string[];
}

/**
 * Volumes and ONBUILD triggers refuse the image (a volume is a writable mount beside the read-only
 * root the platform cannot size; a trigger is code for a later, unchecked build). A stop signal
 * and a healthcheck — the Dockerfile may not set them, but a base image can — are overridden by
 * the generated service (SIGTERM; entry.yml's healthcheck or none), so they are only reported.
 */
export function imageVerdict(config: ImageRunConfig): ImageVerdict {
  const refused: string[] = [];
  const ignored: string[] = [];
  const volumes = Object.keys(config.Volumes ?? {});
  if (volumes.length) {
    refused.push(
      `the image declares VOLUME ${volumes.join(", ")} (in the Dockerfile or its base image); volumes are not allowed, use a base image without them`,
    );
  }
  const triggers = config.OnBuild ?? [];
  if (triggers.length) {
    refused.push(`the image carries ${triggers.length} ONBUILD trigger(s); ONBUILD is not allowed`);
  }
  const signal = config.StopSignal;
  if (signal && !["SIGTERM", "TERM", "15"].includes(signal.toUpperCase())) {
    ignored.push(`the image's STOPSIGNAL ${signal} is ignored: the platform stops every entry with SIGTERM`);
  }
  const test = config.Healthcheck?.Test ?? [];
  if (test.length && test[0] !== "NONE") {
    ignored.push("the image's HEALTHCHECK is ignored: only the healthcheck in entry.yml counts");
  }
  return { refused, ignored };
}

/**
 * The image ids the classic builder reports after each step (` ---> 0123456789ab`). A RUN step can
 * print such a line too, so these are candidates only: the caller removes an image only if one
 * of the build's own containers committed it.
 */
export function stepImageIds(log: string): string[] {
  return [...new Set([...log.matchAll(/^ ---> ([0-9a-f]{12})\s*$/gm)].map((m) => m[1]!))];
}
