import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JpegStructureError, stripJpegMetadata } from './jpeg-metadata.js';

const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' };

/** A photo-like JPEG (noise, so the pixels are not trivially equal), with the metadata given. */
async function photo(options: { progressive?: boolean; orientation?: number; icc?: boolean } = {}): Promise<Buffer> {
  let image = sharp({ create: { width: 96, height: 64, channels: 3, background: '#3070a0', noise: { type: 'gaussian', mean: 120, sigma: 40 } } }).jpeg({
    quality: 85,
    progressive: options.progressive ?? false,
  });
  image = image.withExif({ IFD0: { Make: 'ParleyPhone', Model: 'Serial 1234' }, IFD3: GPS });
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  if (options.icc) image = image.withIccProfile('p3');
  return image.toBuffer();
}

const pixels = (jpeg: Buffer) => sharp(jpeg).raw().toBuffer();

describe('stripJpegMetadata', () => {
  it('removes EXIF (GPS, camera) and keeps every pixel as it was', async () => {
    const original = await photo();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const clean = stripJpegMetadata(original);
    const meta = await sharp(clean).metadata();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([96, 64]);
    expect(clean.includes(Buffer.from('ParleyPhone'))).toBe(false);
    expect((await pixels(clean)).equals(await pixels(original))).toBe(true);
  });

  it('works on progressive JPEGs (several scans)', async () => {
    const original = await photo({ progressive: true });
    const clean = stripJpegMetadata(original);
    expect((await sharp(clean).metadata()).exif).toBeUndefined();
    expect((await pixels(clean)).equals(await pixels(original))).toBe(true);
  });

  it('keeps the orientation alone, so a portrait photo still shows upright', async () => {
    const original = await photo({ orientation: 6 });
    expect((await sharp(original).metadata()).orientation).toBe(6);
    const clean = stripJpegMetadata(original, 6);
    const meta = await sharp(clean).metadata();
    expect(meta.orientation).toBe(6);
    expect(clean.includes(Buffer.from('ParleyPhone'))).toBe(false);
    // Decoded upright, it is the original turned the same way.
    const upright = (jpeg: Buffer) => sharp(jpeg).rotate().raw().toBuffer({ resolveWithObject: true });
    const [a, b] = await Promise.all([upright(clean), upright(original)]);
    expect([a.info.width, a.info.height]).toEqual([64, 96]);
    expect(a.data.equals(b.data)).toBe(true);
  });

  it('keeps the colour profile', async () => {
    const original = await photo({ icc: true });
    const meta = await sharp(stripJpegMetadata(original)).metadata();
    expect(meta.icc).toBeDefined();
    expect(meta.exif).toBeUndefined();
  });

  it('drops comments, other APPn blocks and anything after the end of the image', async () => {
    const original = await photo();
    const segment = (marker: number, text: string) => {
      const header = Buffer.from([0xff, marker, 0, 0]);
      header.writeUInt16BE(text.length + 2, 2);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const comment = segment(0xfe, 'secret note');
    const xmp = segment(0xe1, 'http://ns.adobe.com/xap/1.0/ <x:xmpmeta/>');
    const tampered = Buffer.concat([original.subarray(0, 2), comment, xmp, original.subarray(2), Buffer.from('trailing depth map')]);
    const clean = stripJpegMetadata(tampered);
    expect(clean.includes(Buffer.from('secret note'))).toBe(false);
    expect(clean.includes(Buffer.from('xmpmeta'))).toBe(false);
    expect(clean.includes(Buffer.from('trailing depth map'))).toBe(false);
    expect(clean.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect((await pixels(clean)).equals(await pixels(original))).toBe(true);
  });

  it('refuses what is not a well-formed JPEG', async () => {
    const original = await photo();
    expect(() => stripJpegMetadata(Buffer.from('not a jpeg at all'))).toThrow(JpegStructureError);
    expect(() => stripJpegMetadata(original.subarray(0, original.length / 2))).toThrow(JpegStructureError);
    const badLength = Buffer.from(original);
    badLength.writeUInt16BE(0xfff0, 4);
    expect(() => stripJpegMetadata(badLength)).toThrow(JpegStructureError);
  });
});
