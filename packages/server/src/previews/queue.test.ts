import { describe, expect, it } from 'vitest';
import { WorkQueue } from './queue.js';

/** A queue whose work items finish when the test says so. */
function controlled(concurrency: number, maxWaiting: number) {
  const started: string[] = [];
  const dropped: string[] = [];
  const finish = new Map<string, () => void>();
  const queue = new WorkQueue<string>({
    concurrency,
    maxWaiting,
    work: (item) => {
      started.push(item);
      return new Promise<void>((resolve) => finish.set(item, resolve));
    },
    dropped: (item) => dropped.push(item),
    failed: () => {},
  });
  const done = async (item: string) => {
    finish.get(item)!();
    await new Promise((r) => setImmediate(r));
  };
  return { queue, started, dropped, done };
}

describe('WorkQueue', () => {
  it('runs at most `concurrency` items at once, in order', async () => {
    const { queue, started, done } = controlled(2, 10);
    for (const item of ['a', 'b', 'c', 'd']) queue.add(item, item);
    expect(started).toEqual(['a', 'b']);
    expect([queue.running, queue.waiting]).toEqual([2, 2]);
    await done('a');
    expect(started).toEqual(['a', 'b', 'c']);
    await done('b');
    await done('c');
    await done('d');
    await queue.idle();
    expect([queue.running, queue.waiting]).toEqual([0, 0]);
  });

  it('never holds more than `maxWaiting`: the oldest waiting item is dropped', async () => {
    const { queue, started, dropped } = controlled(1, 2);
    for (const item of ['a', 'b', 'c', 'd', 'e']) queue.add(item, item);
    expect(started).toEqual(['a']);
    expect(dropped).toEqual(['b', 'c']);
    expect(queue.waiting).toBe(2);
  });

  it('an item added under a waiting key replaces it in place; a running key can wait again', async () => {
    const { queue, started, done } = controlled(1, 10);
    queue.add('m1', 'm1 v1');
    queue.add('m2', 'm2 v1');
    queue.add('m3', 'm3 v1');
    queue.add('m2', 'm2 v2');
    queue.add('m1', 'm1 v2');
    await done('m1 v1');
    await done('m2 v2');
    await done('m3 v1');
    expect(started).toEqual(['m1 v1', 'm2 v2', 'm3 v1', 'm1 v2']);
  });

  it('cancel forgets a waiting item; close drops the waiting and waits for the running', async () => {
    const { queue, started, done } = controlled(1, 10);
    for (const item of ['a', 'b', 'c']) queue.add(item, item);
    queue.cancel('b');
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    queue.add('d', 'd');
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    await done('a');
    await closing;
    expect(started).toEqual(['a']);
  });

  it('reports work that rejects, and carries on', async () => {
    const failures: unknown[] = [];
    const queue = new WorkQueue<number>({
      concurrency: 1,
      maxWaiting: 10,
      work: async (n) => {
        if (n === 1) throw new Error('boom');
      },
      dropped: () => {},
      failed: (err) => failures.push(err),
    });
    queue.add('1', 1);
    queue.add('2', 2);
    await queue.idle();
    expect(failures).toHaveLength(1);
  });
});
