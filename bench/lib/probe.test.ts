import { describe, expect, it } from 'vitest';
import { describeProbe, summariseProbe } from './probe.mjs';

describe('the server probe summary', () => {
  const record = {
    gc: [
      [900, 30, 'markCompact'],
      [1_000, 4, 'scavenge'],
      [1_400, 6, 'scavenge'],
      [1_500, 2, 'scavenge'],
      [1_800, 12, 'markCompact'],
      [2_100, 9, 'scavenge'],
    ],
    stalls: [
      [950, 80],
      [1_200, 12],
      [1_600, 55],
      [2_050, 70],
    ],
    syncs: [
      [990, 30],
      [1_100, 0.7],
      [1_300, 0.9],
      [1_500, 6.5],
      [1_700, 0.8],
      [2_200, 12],
    ],
  };

  it('keeps only what happened inside the measured window: GC pauses by kind, event-loop stalls and disk syncs', () => {
    const summary = summariseProbe(record, [1_000, 2_000]);
    expect(summary).toEqual({
      gc: {
        markCompact: { count: 1, p50Ms: 12, maxMs: 12, totalMs: 12 },
        scavenge: { count: 3, p50Ms: 4, maxMs: 6, totalMs: 12 },
      },
      eventLoopStalls: { over10Ms: 2, over50Ms: 1, longestMs: 55 },
      diskSyncs: { count: 4, p50Ms: 0.8, p99Ms: 6.5, maxMs: 6.5, overSlowMs: 1 },
    });
    expect(describeProbe(summary)).toBe(
      'GC markCompact 1 (p50 12, max 12 ms), scavenge 3 (p50 4, max 6 ms); event-loop stalls over 10 ms: 2 (over 50 ms: 1, longest 55 ms); disk syncs 4 (p50 0.8, p99 6.5, max 6.5 ms; over 4 ms: 1)',
    );
  });

  it('says so when the window saw no GC, no stall and no sync', () => {
    const summary = summariseProbe(record, [3_000, 4_000]);
    expect(summary).toEqual({
      gc: {},
      eventLoopStalls: { over10Ms: 0, over50Ms: 0, longestMs: 0 },
      diskSyncs: { count: 0, p50Ms: null, p99Ms: null, maxMs: null, overSlowMs: 0 },
    });
    expect(describeProbe(summary)).toBe('GC none; event-loop stalls over 10 ms: 0 (over 50 ms: 0, longest 0 ms); no disk syncs');
  });

  it('reads records written before disk syncs were probed', () => {
    const { syncs: _syncs, ...older } = record;
    expect(summariseProbe(older, [1_000, 2_000]).diskSyncs.count).toBe(0);
  });
});
