/**
 * Removes what a JPEG says about where and how it was taken (EXIF with GPS and serial numbers,
 * XMP, IPTC, comments, embedded previews and secondary images) without decoding it: the pixels
 * are copied as they are, so a 12-megapixel photo is cleaned in milliseconds and loses nothing.
 * Kept: JFIF, the colour profile (ICC, APP2) and Adobe's colour transform (APP14), which change
 * how the pixels look, and the orientation, rewritten as a minimal EXIF block of that one tag so
 * the photo still shows upright.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP2 = 0xe2;
const APP14 = 0xee;

export class JpegStructureError extends Error {}

/** Segments without a length field. */
const standalone = (marker: number) => marker === SOI || marker === EOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;

/** Marker segments worth keeping (everything else that is metadata goes). */
function keep(marker: number, segment: Buffer): boolean {
  if (marker === APP0) return segment.subarray(4, 9).toString('latin1') === 'JFIF\0';
  // ICC profiles live in APP2; so does MPF, which points at the secondary images we drop.
  if (marker === APP2) return segment.subarray(4, 16).toString('latin1') === 'ICC_PROFILE\0';
  if (marker === APP14) return segment.subarray(4, 9).toString('latin1') === 'Adobe';
  // Other APPn (EXIF, XMP, IPTC, maker notes...) and comments carry metadata, not pixels.
  if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) return false;
  return true;
}

/** A big-endian EXIF (APP1) segment holding only IFD0 Orientation. */
function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 right after the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // count
  tiff.writeUInt16BE(orientation, 18); // value, left-justified in the 4-byte field
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/**
 * The same JPEG without its metadata. `orientation` (1-8, from the original's EXIF) is written
 * back when it is not 1. Throws `JpegStructureError` on anything that is not a well-formed JPEG.
 */
export function stripJpegMetadata(input: Buffer, orientation = 1): Buffer {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== SOI) throw new JpegStructureError('not a JPEG');
  const out: Buffer[] = [input.subarray(0, 2)];
  let orientationWritten = orientation === 1;
  let i = 2;
  for (;;) {
    if (i + 2 > input.length) throw new JpegStructureError('truncated before the end of the image');
    if (input[i] !== 0xff) throw new JpegStructureError(`expected a marker at byte ${i}`);
    const marker = input[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === EOI) {
      out.push(input.subarray(i, i + 2));
      // Whatever follows EOI (secondary images, depth maps, trailers) is dropped.
      return Buffer.concat(out);
    }
    if (standalone(marker)) {
      out.push(input.subarray(i, i + 2));
      i += 2;
      continue;
    }
    if (i + 4 > input.length) throw new JpegStructureError('truncated in a segment header');
    const length = input.readUInt16BE(i + 2);
    const end = i + 2 + length;
    if (length < 2 || end > input.length) throw new JpegStructureError('a segment runs past the end of the file');
    const segment = input.subarray(i, end);
    // The orientation goes after JFIF (which must come first) and before anything else.
    if (!orientationWritten && marker !== APP0) {
      out.push(orientationSegment(orientation));
      orientationWritten = true;
    }
    if (keep(marker, segment)) out.push(segment);
    i = end;
    if (marker === SOS) {
      // Entropy-coded data: runs until a marker other than a stuffed 0xFF00 or a restart marker.
      let j = i;
      while (j + 1 < input.length && !(input[j] === 0xff && input[j + 1] !== 0x00 && !(input[j + 1]! >= 0xd0 && input[j + 1]! <= 0xd7))) j++;
      if (j + 1 >= input.length) throw new JpegStructureError('image data without an end');
      out.push(input.subarray(i, j));
      i = j;
    }
  }
}
