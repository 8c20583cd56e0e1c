// What the `ip -j` printers of every rtnetlink object share.

/** One object as `ip -j` prints it. */
export type IpJson = Record<string, unknown>;

/** printf("%#llx") of a u32, as ip prints masks and ids: "0" for zero, "0x..." otherwise. */
export function hex0x(value: number): string {
  return value === 0 ? '0' : `0x${(value >>> 0).toString(16)}`;
}

/**
 * How ip names a link by ifindex (iproute2's ll_index_to_name): '*' for 0,
 * the name when it knows one, else `if<N>`.
 */
export function ipLinkName(index: number, name: string | undefined): string {
  return index === 0 ? '*' : name ?? `if${index}`;
}
