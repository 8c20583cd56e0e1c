// Calls the kernel refuses with EPERM, as root: an nf_tables table created
// with the `owner` flag belongs to the socket that made it, and any other
// socket that touches it gets EPERM (nf_tables_api.c, nft_table_lookup).
// When the owning socket closes, the kernel removes the table.
import { NetlinkBatchError, NetlinkError, openNftables } from '../../../src/index.js';
import { check } from '../tally.js';
import { refusedExpected, type Fault } from './fault.js';

const NAME = 'EPERM (owned nf_tables table)';
const TABLE = { family: 'inet' as const, name: 'soak' };

function errnoName(error: unknown): string | undefined {
  if (error instanceof NetlinkBatchError) return error.failures[0]?.error.code;
  if (error instanceof NetlinkError) return error.code;
  return undefined;
}

export const eperm: Fault = {
  name: NAME,
  weight: 1,
  async run(c) {
    c.beat('open nftables owner');
    const owner = c.track(openNftables({ netns: c.pod.netns }));
    const owned = { ...TABLE, flags: ['owner' as const] };
    await c.call('add owned table', () => owner.addTable(owned), () => owner.addTableAsync(owned));
    const other = c.track(openNftables({ netns: c.pod.netns }));
    const chain = { family: TABLE.family, table: TABLE.name, name: 'intruder' };
    const attempts = [
      ['add chain to an owned table', () => other.addChain(chain), () => other.addChainAsync(chain)],
      ['delete an owned table', () => other.deleteTable(TABLE), () => other.deleteTableAsync(TABLE)],
      ['add table over an owned one', () => other.addTable(TABLE), () => other.addTableAsync(TABLE)],
    ] as const;
    for (const [step, sync, promised] of attempts) {
      try {
        await c.call<unknown>(step, sync, promised);
        refusedExpected(`${step} from another socket`);
      } catch (error) {
        c.tally.expected(NAME, error, [NetlinkBatchError, NetlinkError]);
        check(errnoName(error) === 'EPERM', `${step}: expected EPERM, got ${errnoName(error)}`);
        // The soak runs as root: the refusal comes from the table's owner, not from a missing capability.
        if (/CAP_NET_ADMIN|run as root/.test((error as Error).message)) c.tally.note('EPERM: message blames a missing capability (the caller is root; the table has an owner)');
        else if (/owner/i.test((error as Error).message)) c.tally.note('EPERM: message names the owned table');
      }
    }
    const before = await c.call('list tables', () => other.listTables(), () => other.listTablesAsync());
    check(before.length === 1 && before[0]!.owner === owner.socket.portId, 'the owned table is missing or has another owner');
    c.close(owner);
    const after = await c.call('list tables after the owner closed', () => other.listTables(), () => other.listTablesAsync());
    check(after.length === 0, `the owned table outlived its socket (${after.length} tables)`);
    c.close(other);
  },
};
