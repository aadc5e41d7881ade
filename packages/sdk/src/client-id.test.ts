import { describe, expect, it } from 'vitest';
import { newClientId } from './client.js';

describe('newClientId', () => {
  it('makes distinct UUIDv7s that sort in the order they were made', async () => {
    const first = Array.from({ length: 1000 }, () => newClientId());
    await new Promise((r) => setTimeout(r, 5));
    const later = newClientId();
    for (const id of [...first, later]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(first).size).toBe(first.length);
    // Within a millisecond the order is random; across milliseconds it follows the clock.
    for (const id of first) expect(id < later).toBe(true);
    const ms = Number.parseInt(later.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(5_000);
  });
});
