/**
 * Prometheus remote write, just enough to export the chaos timeline as a metric
 * (`sre_chaos_fault_active{run_id,action,target}` = 1 while a fault is active, 0 after) so charts
 * and queries can mark faults beside the load. Hand-encoded protobuf + snappy (a single literal
 * block, which every snappy decoder accepts): no dependency for a few bytes per fault.
 */

/** Protobuf base-128 varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(Math.trunc(n));
  if (v < 0n) v += 1n << 64n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function lengthDelimited(field: number, bytes: number[] | Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(bytes.length), ...bytes];
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];

export interface RemoteSeries {
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

/** Encodes a prometheus.WriteRequest. Labels are sorted by name, as Prometheus requires. */
export function encodeWriteRequest(series: RemoteSeries[]): Uint8Array {
  const out: number[] = [];
  for (const s of series) {
    const ts: number[] = [];
    for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      ts.push(...lengthDelimited(1, [...lengthDelimited(1, utf8(name)), ...lengthDelimited(2, utf8(value))]));
    }
    for (const sample of s.samples) {
      const dbl = new Uint8Array(8);
      new DataView(dbl.buffer).setFloat64(0, sample.value, true);
      ts.push(...lengthDelimited(2, [0x09, ...dbl, 0x10, ...varint(sample.timestampMs)]));
    }
    out.push(...lengthDelimited(1, ts));
  }
  return Uint8Array.from(out);
}

/** Snappy block format holding the input as one literal (valid, uncompressed). */
export function snappyLiteral(data: Uint8Array): Uint8Array {
  const n = data.length;
  const head: number[] = [...varint(n)];
  if (n > 0) {
    const m = n - 1;
    if (m < 60) head.push(m << 2);
    else if (m < 1 << 8) head.push(60 << 2, m);
    else if (m < 1 << 16) head.push(61 << 2, m & 0xff, m >> 8);
    else if (m < 1 << 24) head.push(62 << 2, m & 0xff, (m >> 8) & 0xff, m >> 16);
    else head.push(63 << 2, m & 0xff, (m >> 8) & 0xff, (m >> 16) & 0xff, (m >>> 24) & 0xff);
  }
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}

/** Sends series to Prometheus' remote-write receiver (`--web.enable-remote-write-receiver`). */
export async function remoteWrite(prometheusUrl: string, series: RemoteSeries[]): Promise<void> {
  const res = await fetch(`${prometheusUrl}/api/v1/write`, {
    method: "POST",
    headers: {
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
      "x-prometheus-remote-write-version": "0.1.0",
    },
    body: Buffer.from(snappyLiteral(encodeWriteRequest(series))),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`remote write: HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

export const FAULT_METRIC = "sre_chaos_fault_active";

/** One sample of the fault metric: 1 when a fault starts, 0 when it ends. */
export function faultSample(
  runId: string,
  action: string,
  target: string,
  value: 0 | 1,
  timestampMs: number,
): RemoteSeries {
  return {
    labels: { __name__: FAULT_METRIC, run_id: runId, action, target },
    samples: [{ value, timestampMs }],
  };
}
