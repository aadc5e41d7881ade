import { describe, expect, it } from 'vitest';
import { formatDuration, toWaveform } from './waveform.js';

describe('voice note waveform', () => {
  it('keeps at most the allowed points, each the peak of its span, scaled to 0-255', () => {
    expect(toWaveform([0, 0.5, 1, 0.25], 2)).toEqual([128, 255]);
    expect(toWaveform(Array.from({ length: 1000 }, (_, i) => (i === 500 ? 1 : 0)), 128)).toHaveLength(128);
    expect(toWaveform(Array.from({ length: 1000 }, (_, i) => (i === 500 ? 1 : 0)), 128)).toContain(255);
    expect(toWaveform([0.1, 0.2], 128)).toEqual([26, 51]);
    expect(toWaveform([])).toEqual([0]);
    expect(toWaveform([2, -1], 2)).toEqual([255, 0]);
  });

  it('shows a duration as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5_400)).toBe('0:05');
    expect(formatDuration(125_000)).toBe('2:05');
  });
});
