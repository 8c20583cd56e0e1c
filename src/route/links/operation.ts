import { IFLA_INFO_DATA, IFLA_LINKINFO } from '../../generated/if_link.js';
import { VETH_INFO_PEER } from '../../generated/veth.js';
import type { Operation } from '../../netlink/errors.js';
import { describeLinkRef, IFINFOMSG_LEN, type LinkRef } from '../resolve.js';
import { linkAttributeName } from './attribute-names.js';
import type { LinkKind } from './kinds/index.js';
import { keepShapeAlive } from '../shape-keeper.js';

/** IFLA_LINKINFO / IFLA_INFO_DATA / VETH_INFO_PEER opens with the peer's own ifinfomsg. */
export function nestedHeaderLength(path: readonly number[]): number {
  return path.length === 3 && path[0] === IFLA_LINKINFO && path[1] === IFLA_INFO_DATA && path[2] === VETH_INFO_PEER ? IFINFOMSG_LEN : 0;
}

/** What a link request is for, so a kernel error names the operation, the object and the attribute. */
export function linkOperation(operation: string, object: string, kind?: LinkKind): Operation {
  return {
    operation, object, headerLength: IFINFOMSG_LEN, nestedHeaderLength,
    attributeName: (path) => linkAttributeName(path, kind?.dataAttributeNames),
  };
}

/**
 * The operation of `get`, made once per call on the API's hottest path: no
 * closures, and the object's text is only built when an error asks for it.
 */
export class GetLinkOperation implements Operation {
  readonly operation = 'get link';
  readonly headerLength = IFINFOMSG_LEN;
  readonly nestedHeaderLength = nestedHeaderLength;

  constructor(
    private readonly ref: LinkRef,
    private readonly where: string,
  ) {}

  get object(): string {
    return `${describeLinkRef(this.ref)} in ${this.where}`;
  }

  attributeName(path: readonly number[]): string | undefined {
    return linkAttributeName(path);
  }
}

keepShapeAlive(new GetLinkOperation(1, ''));
