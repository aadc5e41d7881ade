// Files: a phone photo (12 megapixels, JPEG with EXIF and GPS) uploaded one at a time. The server
// answers after detecting the type from the bytes, removing the photo's metadata (losslessly:
// the JPEG's segments are rewritten, not its pixels), making the thumbnail and the blurhash, so the time per upload is an upper bound of the
// thumbnail's own time.
import sharp from 'sharp';
import { registerUsers } from '../lib/clients.mjs';
import { HttpClient } from '../lib/http.mjs';
import { CpuWindow, usageRow } from '../lib/proc.mjs';
import { Samples, round, roundSummary } from '../lib/stats.mjs';
import { upload } from '../lib/upload.mjs';

export const name = 'thumbnail';
export const description = 'uploads of a 12 MP JPEG photo: type detection, EXIF removal, thumbnail, blurhash';
export const target = '< 300 ms each';

const WIDTH = 4000;
const HEIGHT = 3000;

/** Gradients under sensor-like noise: compresses like a photo (a few MB), not like a flat colour. */
async function photo() {
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      raw[i] = (x * 255) / WIDTH;
      raw[i + 1] = (y * 255) / HEIGHT;
      raw[i + 2] = (x + y) % 256;
    }
  }
  const noise = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 16 } } })
    .png()
    .toBuffer();
  return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .composite([{ input: noise, blend: 'overlay' }])
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'BenchPhone', Model: '12MP' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' } })
    .toBuffer();
}

export async function run(ctx) {
  const plan = ctx.quick ? { warmup: 1, uploads: 3 } : { warmup: 3, uploads: 12 };
  const http = new HttpClient(ctx.baseUrl);
  const [user] = await registerUsers(http, 1, { prefix: 'ph' });
  http.close();
  const bytes = await photo();
  ctx.log(`photo: ${WIDTH}×${HEIGHT} JPEG, ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);
  const send = async (i) => {
    const res = await upload(ctx.baseUrl, user.token, bytes, `photo-${i}.jpg`);
    const b = res.body;
    if (res.status !== 201 || b.kind !== 'image' || b.width !== WIDTH || b.height !== HEIGHT || !b.thumbnailUrl || !b.blurhash) {
      throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(b).slice(0, 300)}`);
    }
    return res.ms;
  };
  for (let i = 0; i < plan.warmup; i++) await send(`w${i}`);
  const latency = new Samples();
  const cpu = new CpuWindow(ctx.serverPid);
  for (let i = 0; i < plan.uploads; i++) latency.add(await send(i));
  const usage = cpu.stop();
  const s = latency.summary();
  const row = {
    label: `${plan.uploads} photos of 12 MP (${(bytes.length / 2 ** 20).toFixed(1)} MiB)`,
    latencyMs: roundSummary(s),
    ...usageRow(usage),
  };
  return { rows: [row], target, met: s.max < 300, details: { photoBytes: bytes.length, width: WIDTH, height: HEIGHT } };
}
