// What a failing node:test run said, short enough to print again at the end of a long CI log.
/**
 * The spec reporter's closing "failing tests" section (or, when a run died before it, the last
 * lines), stack frames left out, capped so that a digest stays readable at the end of a log.
 */
export function failureDigest(output, maxLines = 60) {
  const at = output.lastIndexOf("✖ failing tests:");
  const lines = (at >= 0 ? output.slice(at) : output).split("\n");
  const kept = lines.filter((l) => !/^\s+at /.test(l));
  const tail = at >= 0 ? kept.slice(0, maxLines) : kept.slice(-maxLines);
  return tail.join("\n").trimEnd();
}
