import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AVATAR_COLOURS } from './Avatar.js';

/** The colour variables of theme.css, as [light, dark] pairs. */
function palette(): Record<string, [string, string]> {
  const css = fs.readFileSync(new URL('./theme.css', import.meta.url), 'utf8');
  const out: Record<string, [string, string]> = {};
  for (const m of css.matchAll(/--([a-z-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)/gi)) out[m[1]!] = [m[2]!, m[3]!];
  return out;
}

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

// Text on the backgrounds it is drawn on; 4.5:1 is WCAG AA for body text.
const TEXT_PAIRS: [string, string][] = [
  ['fg', 'bg'],
  ['fg', 'bg-muted'],
  ['fg', 'bg-active'],
  ['fg-muted', 'bg'],
  ['fg-muted', 'bg-muted'],
  // The last message under the open conversation's name.
  ['fg-muted', 'bg-active'],
  ['accent', 'bg'],
  ['accent', 'bg-active'],
  ['accent-fg', 'accent'],
  ['accent-fg', 'danger'],
  ['accent-fg', 'fg-muted'],
  ['danger', 'bg'],
  ['ok', 'bg'],
];

describe('theme colours', () => {
  const colours = palette();

  it('defines every colour for both themes', () => {
    for (const name of ['bg', 'bg-muted', 'bg-active', 'fg', 'fg-muted', 'border', 'accent', 'accent-fg', 'danger', 'ok', 'warn']) expect(colours[name], name).toBeDefined();
  });

  it.each([
    ['light', 0],
    ['dark', 1],
  ] as const)('keeps text readable in the %s theme (at least 4.5:1)', (_, theme) => {
    const failing = TEXT_PAIRS.map(([fg, bg]) => ({ pair: `${fg} on ${bg}`, ratio: contrast(colours[fg]![theme], colours[bg]![theme]) })).filter((p) => p.ratio < 4.5);
    expect(failing).toEqual([]);
  });

  it('keeps white initials readable on every avatar colour', () => {
    expect(AVATAR_COLOURS.filter((c) => contrast('#ffffff', c) < 4.5)).toEqual([]);
  });
});
