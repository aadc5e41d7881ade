// The users, conversations and live sockets of the messaging scenarios, built once per server.
import { connectAll, createDms, createGroups, registerUsers } from './clients.mjs';
import { HttpClient, readMetrics } from './http.mjs';
import { MessageLoad } from './load.mjs';

async function timed(log, what, fn) {
  const started = performance.now();
  const result = await fn();
  log(`${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function finish(ctx, http, users, conversations) {
  const sockets = await timed(ctx.log, `${users.length} sockets connected and resumed`, () => connectAll(ctx.wsUrl, users));
  const byUser = new Map(sockets.map((s) => [s.user.id, s]));
  return { http, users, conversations, sockets, load: new MessageLoad(conversations, byUser, ctx.serverPid) };
}

/** `groups` groups of `members` users each; every user is in exactly one group. */
export async function groupPopulation(ctx, groups, members) {
  const http = new HttpClient(ctx.baseUrl);
  const users = await timed(ctx.log, `${groups * members} users registered`, () => registerUsers(http, groups * members));
  const lists = Array.from({ length: groups }, (_, g) => users.slice(g * members, (g + 1) * members));
  const conversations = await timed(ctx.log, `${groups} groups created`, () => createGroups(http, lists));
  return finish(ctx, http, users, conversations);
}

/** `count` users; user i has a DM with user i+k (mod count) for each k in `offsets`. */
export async function dmPopulation(ctx, count, offsets) {
  const http = new HttpClient(ctx.baseUrl);
  const users = await timed(ctx.log, `${count} users registered`, () => registerUsers(http, count));
  const pairs = users.flatMap((u, i) => offsets.map((k) => [u, users[(i + k) % count]]));
  const conversations = await timed(ctx.log, `${pairs.length} DMs created`, () => createDms(http, pairs));
  return finish(ctx, http, users, conversations);
}

/** Server-side figures that explain the client-side ones (group commit batch size, slow consumers). */
export async function serverCounters(http) {
  const m = await readMetrics(http, [
    'parley_group_commit_batch_size_sum',
    'parley_group_commit_batch_size_count',
    'parley_ws_slow_consumer_disconnects_total',
    'parley_ws_deliveries_total',
    'parley_messages_total',
  ]);
  const batches = m.parley_group_commit_batch_size_count ?? 0;
  return {
    commits: batches,
    meanCommitBatch: batches ? Math.round((10 * m.parley_group_commit_batch_size_sum) / batches) / 10 : null,
    messagesStored: m.parley_messages_total,
    deliveriesWritten: m.parley_ws_deliveries_total,
    slowConsumerDisconnects: m.parley_ws_slow_consumer_disconnects_total,
  };
}

export function randomInt(n) {
  return Math.floor(Math.random() * n);
}
