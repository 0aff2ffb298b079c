/** See failure-digest.mjs (plain JavaScript: scripts/run-tests.mjs runs without a TypeScript loader). */
export function failureDigest(output: string, maxLines?: number): string;
