// printf's `%g` (precision 6), which ip uses for a few numbers in its text
// (route time metrics in seconds). glibc rounds the double's exact binary
// value half to even; Number.prototype.toPrecision rounds an exact tie up,
// so the digits come from the exact value here.

const PRECISION = 6;

/** The double `x` exactly, as decimal digits and a power of ten: x = digits × 10^-scale. */
function exactDecimal(x: number): { digits: string; scale: number } {
  const bits = new BigUint64Array(new Float64Array([x]).buffer)[0]!;
  const field = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = field === 0 ? fraction : fraction | (1n << 52n);
  const power = (field === 0 ? 1 : field) - 1075;
  if (power >= 0) return { digits: (mantissa << BigInt(power)).toString(), scale: 0 };
  // m × 2^-k = m × 5^k / 10^k
  return { digits: (mantissa * 5n ** BigInt(-power)).toString(), scale: -power };
}

/** `%g` of a finite non-negative number, as glibc prints it. */
export function printfG(x: number): string {
  if (x === 0) return '0';
  const exact = exactDecimal(x);
  let digits = exact.digits.replace(/^0+/, '');
  let exponent = digits.length - 1 - exact.scale;
  if (digits.length > PRECISION) {
    const rest = digits.slice(PRECISION);
    let head = BigInt(digits.slice(0, PRECISION));
    const tie = /^50*$/.test(rest);
    if (rest[0]! > '5' || (rest[0] === '5' && !tie) || (tie && head % 2n === 1n)) head += 1n;
    digits = head.toString();
    if (digits.length > PRECISION) {
      digits = digits.slice(0, PRECISION);
      exponent += 1;
    }
  }
  const significant = digits.replace(/0+$/, '');
  if (exponent < -4 || exponent >= PRECISION) {
    const mantissa = significant.length > 1 ? `${significant[0]}.${significant.slice(1)}` : significant;
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${significant}`;
  const whole = significant.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = significant.slice(exponent + 1);
  return fraction ? `${whole}.${fraction}` : whole;
}
