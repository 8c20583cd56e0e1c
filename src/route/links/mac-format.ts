// Every link carries two or more hardware addresses; formatting them byte by
// byte with toString(16) cost more than decoding the rest of the attribute.

/** Character codes of the lowercase hex digits. */
const HEX_DIGIT: readonly number[] = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
const COLON = 0x3a;

function high(byte: number): number {
  return HEX_DIGIT[byte >> 4]!;
}

function low(byte: number): number {
  return HEX_DIGIT[byte & 15]!;
}

/** `length` bytes at `at` as colon-separated lowercase hex ("02:00:5e:00:00:01"), the text formatMac produces. */
export function formatMacBytes(buf: Uint8Array, at: number, length: number): string {
  if (length === 6) {
    // One flat string from 17 character codes, instead of a rope of 11 pieces.
    const b0 = buf[at]!, b1 = buf[at + 1]!, b2 = buf[at + 2]!, b3 = buf[at + 3]!, b4 = buf[at + 4]!, b5 = buf[at + 5]!;
    return String.fromCharCode(
      high(b0), low(b0), COLON, high(b1), low(b1), COLON, high(b2), low(b2), COLON,
      high(b3), low(b3), COLON, high(b4), low(b4), COLON, high(b5), low(b5),
    );
  }
  let out = '';
  for (let i = 0; i < length; i++) {
    const byte = buf[at + i]!;
    out += i ? String.fromCharCode(COLON, high(byte), low(byte)) : String.fromCharCode(high(byte), low(byte));
  }
  return out;
}
