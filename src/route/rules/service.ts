import { RTM_DELRULE, RTM_GETRULE, RTM_NEWRULE } from '../../generated/rtnetlink.js';
import { deriveFromDump } from '../../netlink/dump-retry.js';
import type { IpFamily } from '../../netlink/addresses.js';
import type { Operation } from '../../netlink/errors.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../netlink/message.js';
import type { Request } from '../../netlink/socket.js';
import type { RouteContext } from '../context.js';
import { addressFamily, validateFamily } from '../family.js';
import { optionsObject } from '../keys.js';
import './describe.js';
import { decodeRule, encodeRule, encodeRuleDumpRequest, FIB_RULE_HDR_LEN, ruleAttributeName, type Rule } from './message.js';
import { prepareRule, type RuleSpec } from './spec.js';

/** Which rules `list` returns: one family, or IPv4 and IPv6 together. */
export interface RuleFilter {
  /** Only IPv4 (`ip rule`) or IPv6 (`ip -6 rule`) rules; both when absent. */
  family?: IpFamily;
}

const FILTER_KEYS = new Set(['family']);

/**
 * The policy routing rules of one namespace (`rt.rule`), in the words of
 * `ip rule`. Every method has an `…Async` twin returning a Promise.
 */
export class RuleService {
  constructor(private readonly ctx: RouteContext) {}

  /** `ip rule add`: fails with EEXIST if an identical rule exists. */
  add(spec: RuleSpec): void {
    const { request, op } = this.modify(spec, 'add');
    this.ctx.socket.execute(request, op);
  }

  /** `ip rule del`: removes the first rule that matches every field given (ENOENT if none). */
  delete(spec: RuleSpec): void {
    const { request, op } = this.modify(spec, 'delete');
    this.ctx.socket.execute(request, op);
  }

  /**
   * `ip rule show` (`ip -6 rule show` for family 6). Without a family, IPv4
   * and IPv6 rules; the multicast routing rules the kernel also dumps for
   * AF_UNSPEC (RTNL_FAMILY_IPMR/IP6MR) are left out, as `ip rule` leaves them.
   */
  list(filter?: RuleFilter): Rule[] {
    const family = this.family(filter);
    return deriveFromDump(this.ctx.socket.dump(this.dumpRequest(family), this.listOp(family), decodeRule), (d) => this.select(d, family));
  }

  /** Promise form of {@link RuleService.add}. */
  async addAsync(spec: RuleSpec): Promise<void> {
    const { request, op } = this.modify(spec, 'add');
    await this.ctx.socket.executeAsync(request, op);
  }

  /** Promise form of {@link RuleService.delete}. */
  async deleteAsync(spec: RuleSpec): Promise<void> {
    const { request, op } = this.modify(spec, 'delete');
    await this.ctx.socket.executeAsync(request, op);
  }

  /** Promise form of {@link RuleService.list}. */
  async listAsync(filter?: RuleFilter): Promise<Rule[]> {
    const family = this.family(filter);
    return deriveFromDump(await this.ctx.socket.dumpAsync(this.dumpRequest(family), this.listOp(family), decodeRule), (d) => this.select(d, family));
  }

  private modify(spec: RuleSpec, purpose: 'add' | 'delete'): { request: Request; op: Operation } {
    const { message, text } = prepareRule(spec, purpose);
    const request: Request = purpose === 'add'
      ? { type: RTM_NEWRULE, flags: NLM_F_CREATE | NLM_F_EXCL, encode: (w) => encodeRule(w, message) }
      : { type: RTM_DELRULE, encode: (w) => encodeRule(w, message) };
    const op: Operation = {
      operation: `${purpose} rule`,
      object: `${text} in ${this.ctx.label}`,
      headerLength: FIB_RULE_HDR_LEN,
      attributeName: ruleAttributeName,
    };
    return { request, op };
  }

  private family(filter: RuleFilter | undefined): IpFamily | undefined {
    return validateFamily(optionsObject(filter, FILTER_KEYS, 'rule filter').family);
  }

  private dumpRequest(family: IpFamily | undefined): Request {
    const af = addressFamily(family);
    return { type: RTM_GETRULE, encode: (w) => encodeRuleDumpRequest(w, af) };
  }

  private listOp(family: IpFamily | undefined): Operation {
    return { operation: 'list rules', object: `${family ? `IPv${family} ` : ''}in ${this.ctx.label}`, headerLength: FIB_RULE_HDR_LEN };
  }

  private select(rules: Rule[], family: IpFamily | undefined): Rule[] {
    return rules.filter((r) => (family === undefined ? r.family !== 0 : r.family === family));
  }
}
