/**
 * A machine-wide lock around provisioning: tests, benches and people may call `sandbox` at the
 * same time, and two debootstraps into one tree (or two builds of one tag) would wreck each
 * other. `mkdir` is atomic; the directory holds the owner's pid so a crashed owner's lock is
 * recognised as stale and taken over.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `fn` holding the lock at `dir`. Waits (up to `timeoutMs`) while a live process holds it,
 * reporting once through `log`.
 */
export async function withLock<T>(
  dir: string,
  fn: () => Promise<T>,
  opts: { log: (line: string) => void; timeoutMs?: number; pollMs?: number },
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 1_800_000);
  let told = false;
  for (;;) {
    try {
      await mkdir(dir, { recursive: false });
      await writeFile(join(dir, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(await readFile(join(dir, "pid"), "utf8").catch(() => ""));
      // No pid yet: the owner is between mkdir and writeFile, alive for a moment — unless it died
      // right there, which a lock older than a few seconds without a pid shows.
      const age = Date.now() - ((await stat(dir).catch(() => null))?.mtimeMs ?? Date.now());
      if ((pid > 0 && !alive(pid)) || (pid === 0 && age > 10_000)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`another sandbox provision (pid ${pid || "?"}) holds ${dir}`, { cause: e });
      }
      if (!told) opts.log(`waiting for another sandbox provision (pid ${pid || "?"}) to finish…`);
      told = true;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
