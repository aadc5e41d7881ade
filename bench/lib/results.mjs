// Where every benchmark run leaves its full figures: bench/results/ (git-ignored).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes `data` to bench/results/<prefix><start time, file-safe><suffix>.json; returns the path. */
export function writeResults(startedAt, data, { prefix = '', suffix = '' } = {}) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${prefix}${startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}${suffix}.json`);
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
