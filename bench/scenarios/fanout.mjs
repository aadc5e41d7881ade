// (a) fanout: many rooms talking at once. 50 groups × 20 members (1,000 users, 1,000 sockets); a
// random member of a random group sends, 500 messages/s in total, open loop. Every message goes to
// its 20 members (the sender's other devices would get it too), so ~10,000 deliveries/s.
import { runFixedRate } from '../lib/fixed-rate.mjs';
import { groupPopulation, randomInt } from '../lib/population.mjs';

export const name = 'fanout';
export const description = '50 groups × 20 members, 500 msg/s offered (≈10,000 deliveries/s), 100-byte messages';
export const target = 'p99 < 10 ms, zero loss';

const GROUPS = 50;
const MEMBERS = 20;
const RATE = 500;

export async function run(ctx) {
  const population = await groupPopulation(ctx, GROUPS, MEMBERS);
  return runFixedRate(ctx, population, { rate: RATE, pick: () => [randomInt(GROUPS), randomInt(MEMBERS)], target });
}
