import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLock } from "../../../sandbox/lock.ts";

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), "lock-"));
}

test("concurrent holders take turns and the lock is released", async () => {
  const dir = await scratch();
  const lock = join(dir, "l");
  const events: string[] = [];
  const waits: string[] = [];
  const holder = (name: string) =>
    withLock(
      lock,
      async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`${name} out`);
        return name;
      },
      { log: (l) => waits.push(l), pollMs: 5 },
    );
  try {
    assert.deepEqual(await Promise.all([holder("a"), holder("b"), holder("c")]), ["a", "b", "c"]);
    // Never two inside at once: every "in" is followed by its own "out".
    for (let i = 0; i < events.length; i += 2)
      assert.equal(events[i]!.split(" ")[0], events[i + 1]!.split(" ")[0]);
    assert.ok(waits.length >= 1);
    await assert.rejects(access(lock));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a lock left by a dead process is taken over", async () => {
  const dir = await scratch();
  const lock = join(dir, "l");
  try {
    await mkdir(lock);
    // pid 2^22+1 is above Linux's pid_max ceiling, so no process has it.
    await writeFile(join(lock, "pid"), String(4_194_305));
    assert.equal(await withLock(lock, async () => "ran", { log: () => undefined, pollMs: 5 }), "ran");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a live holder makes a waiter time out, and the holder's lock stays", async () => {
  const dir = await scratch();
  const lock = join(dir, "l");
  try {
    await mkdir(lock);
    await writeFile(join(lock, "pid"), String(process.pid));
    await assert.rejects(
      withLock(lock, async () => "never", { log: () => undefined, timeoutMs: 50, pollMs: 5 }),
      /another sandbox provision/,
    );
    await access(join(lock, "pid"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the lock is released when the work throws", async () => {
  const dir = await scratch();
  const lock = join(dir, "l");
  try {
    await assert.rejects(
      withLock(
        lock,
        async () => {
          throw new Error("boom");
        },
        { log: () => undefined },
      ),
      /boom/,
    );
    await assert.rejects(access(lock));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
