// Byte counts in nft's units (its get_rate): the largest of bytes, kbytes and mbytes that divides them evenly.

/** `2000 mbytes` for 2097152000. */
export function byteUnits(bytes: number): string {
  const units = ['bytes', 'kbytes', 'mbytes'];
  let n = bytes;
  let i = 0;
  while (i < units.length - 1 && n !== 0 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}
