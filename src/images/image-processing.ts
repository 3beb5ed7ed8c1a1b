import sharp, { type JpegOptions, type PngOptions, type WebpOptions } from 'sharp';
import { BadInput } from '../core/errors';
import { IMAGE_FORMATS, type ImageFormat } from './image.entity';

/** The widest stored copy; wider uploads are scaled down, keeping their proportions. */
export const MAX_IMAGE_WIDTH = 2_000;
/** Pixels an upload may declare: far above any photo, far below what would exhaust memory when decoded. */
const MAX_INPUT_PIXELS = 50_000_000;

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
  let format: string | undefined;
  try {
    ({ format } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata());
  } catch {
    throw notAnImage();
  }
  if (!isAccepted(format)) throw notAnImage();
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
