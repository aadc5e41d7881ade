// (c) dm: one-to-one conversations. 1,000 users; user i has a DM with users i+1 and i+2 (mod 1,000),
// so each user talks with 4 peers over 2,000 DMs. A random member of a random DM sends, 2,000
// messages/s offered in total; each message reaches both members (≈4,000 deliveries/s).
import { runFixedRate } from '../lib/fixed-rate.mjs';
import { dmPopulation, randomInt } from '../lib/population.mjs';

export const name = 'dm';
export const description = '1,000 users, 2,000 DMs (4 peers each), 2,000 msg/s offered';
export const target = 'p99 < 10 ms, zero loss';

const USERS = 1_000;
const OFFSETS = [1, 2];
const RATE = 2_000;

export async function run(ctx) {
  const population = await dmPopulation(ctx, USERS, OFFSETS);
  return runFixedRate(ctx, population, { rate: RATE, pick: () => [randomInt(population.conversations.length), randomInt(2)], target });
}
