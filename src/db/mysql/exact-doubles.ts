/**
 * mysql2 reads a DOUBLE's text of up to 17 characters with its own digit loop, which is one
 * ulp off once the digits pass 2^53 (`9.993198234581573` arrives as `9.993198234581572`;
 * about 1 in 100 random doubles, sidorares/node-mysql2#1525). Number() rounds the server's
 * text correctly, so reading every value as Number() would read it back as stored.
 *
 * A typeCast function did that, but mysql2 then calls it for every field of every row,
 * with a closure made for each: 0.6 s of CPU a million rows of five columns, a third of
 * the driver's whole cost. Instead, the one method that reads float text
 * (Packet.parseFloat, behind FLOAT and DOUBLE columns of the text protocol) is replaced
 * by one that gives Number()'s answer: no per-field call, and every query gets it.
 *
 * Packet is not among mysql2's exports, so it is loaded by its file path next to the
 * package's entry point (the same file, hence the same class, as the driver's). Should a
 * mysql2 release move or rename it, `installed` is false and the typeCast is used instead.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TypeCast } from 'mysql2';

interface PacketLike {
  buffer: Buffer;
  offset: number;
}

const MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, ZERO = 0x30, NINE = 0x39;

/**
 * At most 15 digits and no exponent: the digits as an integer (below 2^53) and the power of
 * ten of the fraction (at most 10^15) are both exact, and one division of exact values
 * rounds correctly, which is Number()'s answer. Longer texts and exponents go to Number().
 */
export function parseFloatExactly(this: PacketLike, len: number | null): number | null {
  if (len === null) return null;
  if (len === 0) return 0;
  const { buffer } = this;
  const start = this.offset;
  const end = start + len;
  this.offset = end;
  let i = start;
  const negative = buffer[i] === MINUS;
  if (negative || buffer[i] === PLUS) i++;
  let digits = 0, mantissa = 0, scale = 1, pastDot = false;
  for (; i < end; i++) {
    const c = buffer[i]!;
    if (c >= ZERO && c <= NINE) {
      if (++digits > 15) break;
      mantissa = mantissa * 10 + (c - ZERO);
      if (pastDot) scale *= 10;
    } else if (c === DOT && !pastDot) pastDot = true;
    else break;
  }
  if (i === end && digits > 0) return negative ? -(mantissa / scale) : mantissa / scale;
  return Number(buffer.toString('latin1', start, end));
}

function install(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const packet = require(join(dirname(require.resolve('mysql2')), 'lib', 'packets', 'packet.js')) as { prototype?: { parseFloat?: unknown } };
    if (typeof packet?.prototype?.parseFloat !== 'function') return false;
    packet.prototype.parseFloat = parseFloatExactly;
    return true;
  } catch {
    return false;
  }
}

/** Whether mysql2's float reading is exact in this process (see above). */
export const installed = install();

/** The fallback where the method could not be replaced: each DOUBLE's text through Number(). */
export const exactDoublesTypeCast: TypeCast = (field, next) => {
  if (field.type !== 'DOUBLE') return next();
  const text = field.string('ascii');
  return text === null ? null : Number(text);
};
