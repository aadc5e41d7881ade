import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { SendPipeline, type Outcome, type SendRequest } from './send-pipeline.js';

/** A commit that records its batches and takes `ms` to run, answering each send with a message. */
function recordingCommit(ms: number) {
  const batches: { at: number; clientIds: string[] }[] = [];
  const commit = async (requests: readonly SendRequest[]): Promise<Outcome[]> => {
    batches.push({ at: performance.now(), clientIds: requests.map((r) => r.clientId) });
    await new Promise((r) => setTimeout(r, ms));
    return requests.map((r) => ({ ok: { message: { clientId: r.clientId, text: r.text } as Message, json: JSON.stringify({ clientId: r.clientId }), created: true } }));
  };
  return { batches, commit };
}

const send = (pipeline: SendPipeline, clientId: string) => pipeline.send({ senderId: 'u', conversationId: 'c', clientId, text: clientId });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('group commit', () => {
  it('sends that arrive together share one commit, and a retried clientId in a batch is one send answered twice', async () => {
    const { batches, commit } = recordingCommit(1);
    const pipeline = new SendPipeline(commit, 512, 0);
    const results = await Promise.all([send(pipeline, 'a'), send(pipeline, 'b'), send(pipeline, 'a')]);
    expect(batches.map((b) => b.clientIds)).toEqual([['a', 'b']]);
    expect(results.map((r) => r.message.clientId)).toEqual(['a', 'b', 'a']);
  });

  it('under load the next commit waits for the window, so it carries what arrives meanwhile', async () => {
    const { batches, commit } = recordingCommit(1);
    const pipeline = new SendPipeline(commit, 512, 60);
    const first = [send(pipeline, 'a'), send(pipeline, 'b')];
    await Promise.all(first);
    // The last commit had company: sends arriving within the window after it began wait for it.
    const later = [send(pipeline, 'c')];
    await sleep(15);
    later.push(send(pipeline, 'd'), send(pipeline, 'e'));
    await Promise.all(later);
    expect(batches.map((b) => b.clientIds)).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(55);
  });

  it('a send that arrives alone is committed at once, whatever the window', async () => {
    const { batches, commit } = recordingCommit(1);
    const pipeline = new SendPipeline(commit, 512, 1_000);
    await send(pipeline, 'a');
    const started = performance.now();
    await send(pipeline, 'b');
    expect(batches.map((b) => b.clientIds)).toEqual([['a'], ['b']]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('a batch is at most maxBatch sends; the rest go in the next commit', async () => {
    const { batches, commit } = recordingCommit(1);
    const pipeline = new SendPipeline(commit, 2, 0);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => send(pipeline, id)));
    expect(batches.map((b) => b.clientIds)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});
