/** Text snapshots under `__snapshots__/`; `UPDATE_SNAPSHOTS=1` rewrites them. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "__snapshots__");

/** Compares `actual` with the stored snapshot; writes it when missing or when UPDATE_SNAPSHOTS=1. */
export function matchSnapshot(name: string, actual: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.equal(
    actual,
    readFileSync(file, "utf8"),
    `snapshot ${name} differs (UPDATE_SNAPSHOTS=1 to rewrite)`,
  );
}
