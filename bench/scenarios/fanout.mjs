// (a) fanout: many rooms talking at once. 50 groups × 20 members (1,000 users, 1,000 sockets); a
// random member of a random group sends, 500 messages/s in total, open loop. Every message goes to
// its 20 members (the sender's other devices would get it too), so ~10,000 deliveries/s.
import { closeAll } from '../lib/clients.mjs';
import { groupPopulation, randomInt, serverCounters } from '../lib/population.mjs';

export const name = 'fanout';
export const description = '50 groups × 20 members, 500 msg/s offered (≈10,000 deliveries/s), 100-byte messages';
export const target = 'p99 < 10 ms, zero loss';

const GROUPS = 50;
const MEMBERS = 20;
const RATE = 500;

export async function run(ctx) {
  const timing = ctx.quick ? { warmupMs: 2_000, measureMs: 6_000 } : { warmupMs: 5_000, measureMs: 20_000 };
  const { http, sockets, load } = await groupPopulation(ctx, GROUPS, MEMBERS);
  const pick = () => [randomInt(GROUPS), randomInt(MEMBERS)];

  ctx.log(`warm-up ${timing.warmupMs / 1000} s at ${RATE} msg/s`);
  const warmup = await load.runPhase({ label: 'warm-up', rate: RATE, durationMs: timing.warmupMs, pick });
  ctx.log(`measuring ${timing.measureMs / 1000} s at ${RATE} msg/s`);
  const measured = await load.runPhase({ label: 'measured', rate: RATE, durationMs: timing.measureMs, pick });
  const settled = await load.settle([warmup, measured], 5_000);

  const result = load.report(measured);
  const warm = load.report(warmup);
  const counters = await serverCounters(http);
  await closeAll(sockets);
  http.close();

  const lost = result.lostMessages + warm.lostMessages;
  return {
    rows: [{ ...result, label: `${RATE} msg/s offered` }],
    target,
    met: result.latencyMs.p99 !== null && result.latencyMs.p99 < 10 && lost === 0 && result.errors === 0,
    details: {
      measured: result,
      warmup: warm,
      settledWithinTimeout: settled,
      duplicatesOrUnexpected: load.duplicates,
      errorFramesByCode: load.errorsByCode,
      unexpectedCloses: load.closes,
      server: counters,
    },
  };
}
