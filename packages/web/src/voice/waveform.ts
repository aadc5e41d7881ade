import { limits } from '@parley/sdk';

/**
 * Loudness samples taken while recording, squeezed to at most the protocol's number of points
 * (each the loudest of its span, so short peaks survive), each 0-255.
 */
export function toWaveform(samples: readonly number[], maxPoints: number = limits.waveformMaxPoints): number[] {
  if (samples.length === 0) return [0];
  const points = Math.min(maxPoints, samples.length);
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const from = Math.floor((i * samples.length) / points);
    const to = Math.max(from + 1, Math.floor(((i + 1) * samples.length) / points));
    let peak = 0;
    for (let j = from; j < to; j++) peak = Math.max(peak, samples[j]!);
    out.push(Math.max(0, Math.min(255, Math.round(peak * 255))));
  }
  return out;
}

/** m:ss, as voice notes show their length. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
