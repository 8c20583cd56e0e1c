/** Netlink aligns headers, payloads and attributes to 4 bytes. */
export const NLA_ALIGNTO = 4;
export function align4(n: number): number {
  return (n + 3) & ~3;
}
