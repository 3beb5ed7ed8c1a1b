import sharp, { type JpegOptions, type Metadata, type PngOptions, type WebpOptions } from 'sharp';
import { BadInput } from '../core/errors';
import { IMAGE_FORMATS, type ImageFormat } from './image.entity';

/** The widest stored copy; wider uploads are scaled down, keeping their proportions. */
export const MAX_IMAGE_WIDTH = 2_000;
/**
 * Pixels an upload may declare (a 40-megapixel camera's photo), and the bytes they may take once decoded
 * (16-bit samples take twice 8-bit ones): both read from the file's header before anything is decoded, so
 * that a small file that would decode into hundreds of megabytes (and seconds of CPU) is refused at once.
 */
const MAX_INPUT_PIXELS = 40_000_000;
const MAX_DECODED_BYTES = 160 * 1024 * 1024;
const SAMPLE_BYTES: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4 };

export interface ProcessedImage {
  data: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
}

/** Lossy formats at a quality where artefacts are hard to see; PNG stays lossless. */
const OUTPUT: Record<ImageFormat, JpegOptions | PngOptions | WebpOptions> = {
  jpeg: { quality: 82 },
  png: {},
  webp: { quality: 82 },
};

const isAccepted = (format: string | undefined): format is ImageFormat =>
  format !== undefined && Object.hasOwn(IMAGE_FORMATS, format);

const notAnImage = () => new BadInput('file', 'must be a JPEG, PNG or WebP image');

/**
 * Checks what the bytes are (libvips reads their signature; the file's name and the client's content
 * type are never trusted), then encodes a fresh copy in the same format: turned upright by its EXIF
 * orientation, at most MAX_IMAGE_WIDTH wide, and without metadata (sharp writes none unless asked).
 */
export async function reencode(input: Buffer): Promise<ProcessedImage> {
  let header: Metadata;
  try {
    // No pixel limit here: the header alone is read, and a size over the limits gets its own answer below.
    header = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage();
  }
  const { format, width = 0, height = 0, channels = 4, depth = 'uchar' } = header;
  if (!isAccepted(format)) throw notAnImage();
  const pixels = width * height;
  if (pixels > MAX_INPUT_PIXELS || pixels * channels * (SAMPLE_BYTES[depth] ?? 4) > MAX_DECODED_BYTES)
    throw new BadInput(
      'file',
      `is ${width} x ${height} pixels${depth === 'ushort' ? ' of 16 bits' : ''}: at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels and ${MAX_DECODED_BYTES / 1024 / 1024} MB once decoded (fewer pixels at 16 bits); scale it down`,
    );
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_IMAGE_WIDTH, withoutEnlargement: true })
      .toFormat(format, OUTPUT[format])
      .toBuffer({ resolveWithObject: true });
    return { data, format, width: info.width, height: info.height };
  } catch {
    throw new BadInput('file', 'could not be read as an image (damaged or too large to decode)');
  }
}
