/**
 * Uniform borders around a picture: a screenshot or a re-post often frames the image in a flat
 * colour, which moves every PDQ bit. Scans hash the picture inside such a frame as well.
 */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The box inside uniform borders (every pixel of a border row or column within `tolerance` of the corner's value), or null when there is none. */
export function contentBox(luma: Float32Array, width: number, height: number, tolerance = 6): Box | null {
  const corner = luma[0]!;
  const rowFlat = (y: number, x0: number, x1: number) => {
    for (let x = x0; x < x1; x++) if (Math.abs(luma[y * width + x]! - corner) > tolerance) return false;
    return true;
  };
  const columnFlat = (x: number, y0: number, y1: number) => {
    for (let y = y0; y < y1; y++) if (Math.abs(luma[y * width + x]! - corner) > tolerance) return false;
    return true;
  };
  let top = 0;
  while (top < height && rowFlat(top, 0, width)) top++;
  if (top === height) return null; // the whole image is flat
  let bottom = height;
  while (bottom > top && rowFlat(bottom - 1, 0, width)) bottom--;
  let left = 0;
  while (left < width && columnFlat(left, top, bottom)) left++;
  let right = width;
  while (right > left && columnFlat(right - 1, top, bottom)) right--;
  const box = { left, top, width: right - left, height: bottom - top };
  // Borders thinner than 1 % are noise (JPEG edges), not a frame; tiny remains are not a picture.
  const trimmed = Math.max(left, width - right) > width * 0.01 || Math.max(top, height - bottom) > height * 0.01;
  if (!trimmed || box.width < 32 || box.height < 32) return null;
  return box;
}

/** The luma inside `box`. */
export function cropLuma(luma: Float32Array, width: number, box: Box): Float32Array {
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) out.set(luma.subarray((y + box.top) * width + box.left, (y + box.top) * width + box.left + box.width), y * box.width);
  return out;
}
