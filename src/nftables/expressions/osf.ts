import { NFTA_OSF_DREG, NFTA_OSF_FLAGS, NFTA_OSF_TTL } from '../../generated/nf_tables.js';
import { attributeTableCodec } from './attribute-table.js';
import { EnumNames, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** How `osf` checks the packet's TTL against the fingerprint (NFTA_OSF_TTL): exactly (`true`, 0), `loose` (1), or not at all (`skip`, 2). */
export type OsfTtl = 'true' | 'loose' | 'skip';
export const OSF_TTLS = new EnumNames<OsfTtl>('osf ttl', { true: 0, loose: 1, skip: 2 });

/** `[ osf dreg 1 ]`: the operating system that sent a TCP SYN, by passive fingerprint (nft_osf). */
export interface OsfExpression extends KeepsUnknown {
  /** The kernel's `osf` expression. */
  kind: 'osf';
  /** Register receiving the OS name, NFT_OSF_MAXGENRELEN bytes (NFTA_OSF_DREG). */
  dreg: number;
  /** The TTL check; the kernel lists `true` (0) when none was given. */
  ttl?: OsfTtl | number;
  /**
   * NFT_OSF_F_VERSION (1) adds the version to the name (`osf version`). The kernel lists 0 when
   * it was not set but refuses 0 on a write, so nlkit sends the attribute only when not 0.
   */
  flags?: number;
}

// nft_osf_dump: TTL, FLAGS, then DREG.
export const osfCodec: ExpressionCodec<OsfExpression> = attributeTableCodec<OsfExpression>('osf', [
  { attr: NFTA_OSF_TTL, field: 'ttl', width: 1, names: OSF_TTLS },
  { attr: NFTA_OSF_FLAGS, field: 'flags', width: 4 },
  { attr: NFTA_OSF_DREG, field: 'dreg', width: 4, register: true, required: true },
]);
