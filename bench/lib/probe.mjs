import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round } from './stats.mjs';

/** The module `--probe` preloads into the server. */
export const SERVER_PROBE = fileURLToPath(new URL('./server-probe.mjs', import.meta.url));

/** Where the server's probe writes its record, and how to read it back (null if it wrote none). */
export function probeFile() {
  const file = path.join(os.tmpdir(), `parley-probe-${process.pid}-${Date.now()}.json`);
  return {
    file,
    read() {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        return null;
      } finally {
        fs.rmSync(file, { force: true });
      }
    },
  };
}

const rounded = (ms) => round(ms, 2);

function pauses(durations) {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: rounded(percentile(sorted, 50)),
    maxMs: sorted.length ? rounded(sorted[sorted.length - 1]) : null,
    totalMs: rounded(sorted.reduce((a, b) => a + b, 0)),
  };
}

/** A WAL sync slower than this holds every ack behind it for a noticeable share of dm's 10 ms budget. */
const SLOW_SYNC_MS = 4;

/**
 * What the server's probe saw inside one measured window ([from, to], epoch ms): its GC pauses by
 * kind, how often and how long its event loop ran nothing else, and how long its disk syncs took
 * (a slow disk shows there, not in the server's own figures).
 */
export function summariseProbe(record, [from, to]) {
  const inside = ([at]) => at >= from && at <= to;
  const gc = record.gc.filter(inside);
  const stalls = record.stalls.filter(inside).map(([, ms]) => ms);
  const syncs = (record.syncs ?? []).filter(inside).map(([, ms]) => ms).sort((a, b) => a - b);
  const kinds = [...new Set(gc.map(([, , kind]) => kind))].sort();
  return {
    gc: Object.fromEntries(kinds.map((kind) => [kind, pauses(gc.filter(([, , k]) => k === kind).map(([, ms]) => ms))])),
    eventLoopStalls: {
      over10Ms: stalls.length,
      over50Ms: stalls.filter((ms) => ms > 50).length,
      longestMs: stalls.length ? rounded(Math.max(...stalls)) : 0,
    },
    diskSyncs: {
      count: syncs.length,
      p50Ms: rounded(percentile(syncs, 50)),
      p99Ms: rounded(percentile(syncs, 99)),
      maxMs: syncs.length ? rounded(syncs[syncs.length - 1]) : null,
      overSlowMs: syncs.filter((ms) => ms > SLOW_SYNC_MS).length,
    },
  };
}

/**
 * One line for the log: `GC scavenge 50 (p50 4.5, max 7.1 ms), ...; event-loop stalls over 10 ms:
 * 12 (over 50 ms: 1, longest 56 ms); disk syncs 7,000 (p50 0.7, p99 5.6, max 21 ms; over 4 ms: 90)`.
 */
export function describeProbe(summary) {
  const gc = Object.entries(summary.gc).map(([kind, p]) => `${kind} ${p.count} (p50 ${p.p50Ms}, max ${p.maxMs} ms)`);
  const s = summary.eventLoopStalls;
  const d = summary.diskSyncs;
  const syncs = d.count ? `disk syncs ${d.count.toLocaleString('en-US')} (p50 ${d.p50Ms}, p99 ${d.p99Ms}, max ${d.maxMs} ms; over ${SLOW_SYNC_MS} ms: ${d.overSlowMs})` : 'no disk syncs';
  return `GC ${gc.join(', ') || 'none'}; event-loop stalls over 10 ms: ${s.over10Ms} (over 50 ms: ${s.over50Ms}, longest ${s.longestMs} ms); ${syncs}`;
}
