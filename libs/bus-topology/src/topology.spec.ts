import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BusError, BusErrorCode } from './errors';
import { loadTopology, parseTopology } from './topology';

const FILE = resolve(__dirname, '../../../config/bus.json');
const base = () => JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, any>;

function failure(mutate: (t: Record<string, any>) => void): BusError {
  const t = base();
  mutate(t);
  try {
    parseTopology(t);
  } catch (e) {
    if (e instanceof BusError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('topology', () => {
  it('accepts config/bus.json', () => {
    const t = loadTopology(FILE);
    expect(t.accounts.map((a) => a.name)).toEqual(['INTERIOR', 'BORDER', 'CUSTOMS', 'LEDGER', 'SCHEDULER', 'SYS']);
    expect(t.rpc.find((g) => g.target === 'supervisor')?.methods).toEqual(['verdicts', 'escalations.due', 'escalations.mark']);
  });

  it.each([
    ['missing prefix', (t: any) => delete t.prefix, BusErrorCode.Missing, 'topology.prefix'],
    ['bad prefix', (t: any) => (t.prefix = 'Bad Prefix'), BusErrorCode.BadValue, 'topology.prefix'],
    ['unknown field', (t: any) => (t.hub.extra = 1), BusErrorCode.UnknownField, 'topology.hub.extra'],
    ['port out of range', (t: any) => (t.hub.ports.client = 70000), BusErrorCode.BadValue, 'topology.hub.ports.client'],
    ['port not an integer', (t: any) => (t.accounts[1].leaf.ports.monitor = '8322'), BusErrorCode.WrongType, 'topology.accounts[1].leaf.ports.monitor'],
    ['unknown agency', (t: any) => (t.accounts[0].agency = 'police'), BusErrorCode.BadValue, 'topology.accounts[0].agency'],
    ['sends to itself', (t: any) => t.accounts[0].sendsTo.push('interior'), BusErrorCode.BadValue, 'topology.accounts[0].sendsTo[2]'],
    ['duplicate identity', (t: any) => t.accounts[4].identities.push('border-node'), BusErrorCode.Duplicate, 'topology.accounts[].identities[5]'],
    ['duplicate domain', (t: any) => (t.accounts[2].leaf.jetstreamDomain = 'border'), BusErrorCode.Duplicate, 'topology JetStream domains[3]'],
    ['no scheduler account', (t: any) => t.accounts.splice(4, 1), BusErrorCode.BadValue, 'topology.accounts'],
    ['rpc by an unknown identity', (t: any) => (t.rpc[0].caller = 'mallory'), BusErrorCode.UnknownReference, 'topology.rpc[0].caller'],
    ['rpc unknown method', (t: any) => t.rpc[0].methods.push('drop.tables'), BusErrorCode.BadValue, 'topology.rpc[0].methods[2]'],
    ['rpc to its own account', (t: any) => (t.rpc[0].caller = 'interior-node'), BusErrorCode.BadValue, 'topology.rpc[0].caller'],
    ['reserved account', (t: any) => (t.accounts[5].name = '$SYS'), BusErrorCode.BadValue, 'topology.accounts[5].name'],
    ['identity with a dot', (t: any) => (t.accounts[3].identities = ['super.visor']), BusErrorCode.BadValue, 'topology.accounts[3].identities[0]'],
    ['cluster of one', (t: any) => (t.hub.cluster = { size: 1, ports: { routes: 0 } }), BusErrorCode.BadValue, 'topology.hub.cluster.size'],
    ['cluster without route port', (t: any) => (t.accounts[0].leaf.cluster = { size: 3, ports: {} }), BusErrorCode.Missing, 'topology.accounts[0].leaf.cluster.ports.routes'],
    ['cluster unknown field', (t: any) => (t.hub.cluster = { size: 3, replicas: 3, ports: { routes: 0 } }), BusErrorCode.UnknownField, 'topology.hub.cluster.replicas'],
    ['cluster ports beyond 65535', (t: any) => ((t.hub.ports.client = 65534), (t.hub.cluster = { size: 3, ports: { routes: 0 } })), BusErrorCode.BadValue, 'topology.hub.ports.client'],
    ['member ports on another server', (t: any) => (t.hub.cluster = { size: 3, ports: { routes: 6320 } }), BusErrorCode.Duplicate, 'topology ports[12]'],
    ['member name taken by another server', (t: any) => ((t.accounts[1].leaf.server = 'shekara-hub-2'), (t.hub.cluster = { size: 3, ports: { routes: 0 } }), (t.hub.ports = { client: 0, leafnodes: 0, monitor: 0 })), BusErrorCode.Duplicate, 'topology server processes[4]'],
  ])('refuses %s, naming the field', (_what, mutate, code, field) => {
    const e = failure(mutate);
    expect({ code: e.code, field: e.field }).toEqual({ code, field });
    expect(e.render('ru')).toContain(field);
    expect(e.render('en')).not.toEqual(e.render('ru'));
  });

  it('accepts a clustered hub and agency server', () => {
    const t = base();
    t.hub.cluster = { size: 3, ports: { routes: 6320 } };
    t.hub.ports = { client: 4310, leafnodes: 7410, monitor: 8310 };
    t.accounts[0].leaf.cluster = { size: 3, ports: { routes: 0 } };
    t.accounts[0].leaf.ports = { client: 0, monitor: 0 };
    const parsed = parseTopology(t);
    expect(parsed.hub.cluster).toEqual({ size: 3, ports: { routes: 6320 } });
    expect(parsed.accounts[0].leaf?.cluster).toEqual({ size: 3, ports: { routes: 0 } });
    expect(parsed.accounts[1].leaf?.cluster).toBeUndefined();
  });

  it('names the file when it is not JSON', () => {
    expect(() => loadTopology(join(__dirname, 'topology.ts'))).toThrow(/topology\.ts is not valid JSON/);
  });
});
