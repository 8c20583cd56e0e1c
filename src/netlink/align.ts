/** Netlink aligns headers, payloads and attributes to 4 bytes (NLA_ALIGNTO, NLMSG_ALIGNTO). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
