// (c) dm: one-to-one conversations. 1,000 users; user i has a DM with users i+1 and i+2 (mod 1,000),
// so each user talks with 4 peers over 2,000 DMs. A random member of a random DM sends, 2,000
// messages/s offered in total; each message reaches both members (≈4,000 deliveries/s).
import { closeAll } from '../lib/clients.mjs';
import { dmPopulation, randomInt, serverCounters } from '../lib/population.mjs';

export const name = 'dm';
export const description = '1,000 users, 2,000 DMs (4 peers each), 2,000 msg/s offered';
export const target = 'p99 < 10 ms, zero loss';

const USERS = 1_000;
const OFFSETS = [1, 2];
const RATE = 2_000;

export async function run(ctx) {
  const timing = ctx.quick ? { warmupMs: 2_000, measureMs: 6_000 } : { warmupMs: 5_000, measureMs: 20_000 };
  const { http, sockets, load, conversations } = await dmPopulation(ctx, USERS, OFFSETS);
  const pick = () => [randomInt(conversations.length), randomInt(2)];

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
