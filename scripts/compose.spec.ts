/**
 * docker-compose.yml keeps each agency's private keys in that agency's node: every service's
 * mounts are read from the file (a service block is its two-space-indented name up to the next
 * one) and checked: keys/<agency> only in the <agency> service, the authority's key nowhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCIES } from '@shekara/contracts';
import { loadTopology, memberNames } from '@shekara/bus-topology';

const text = readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8');
const clusterText = readFileSync(join(__dirname, '..', 'docker-compose.cluster.yml'), 'utf8');

function services(source = text): Map<string, string> {
  const end = source.indexOf('\nvolumes:\n');
  const body = source.slice(source.indexOf('\nservices:\n'), end < 0 ? undefined : end);
  const blocks = new Map<string, string>();
  let name: string | undefined;
  for (const line of body.split('\n')) {
    const header = /^  ([a-z][\w-]*):/.exec(line);
    if (header) blocks.set((name = header[1]), '');
    else if (name && !line.trimStart().startsWith('#')) blocks.set(name, `${blocks.get(name)}${line}\n`);
  }
  return blocks;
}

describe('docker-compose.yml: secrets mounted into their owners only', () => {
  const all = services();

  it('mounts keys/<agency> into that agency node, with KEYS_PATH inside it, and into no other service', () => {
    for (const agency of AGENCIES) {
      const own = all.get(agency)!;
      expect(own).toContain(`./var/directory-docker/keys/${agency}:/shekara/keys:ro`);
      for (const [service, block] of all) {
        const others = AGENCIES.filter((a) => a !== service);
        for (const other of others) expect({ service, mounts: block.includes(`keys/${other}:`) }).toEqual({ service, mounts: false });
      }
    }
    expect(all.get('interior')).toContain('KEYS_PATH: /shekara/keys/keys.json');
  });

  it("mounts the authority's private key nowhere, and the public folder read-only", () => {
    for (const [service, block] of all) {
      expect({ service, authority: /directory-docker\/authority|directory-docker:/.test(block) }).toEqual({ service, authority: false });
      if (block.includes('directory-docker/public')) expect(block).toContain('./var/directory-docker/public:/shekara/public:ro');
    }
    for (const s of ['supervisor', 'scheduler', ...AGENCIES]) expect(all.get(s)).toContain('/shekara/public:ro');
  });

  it("mounts each bus seed folder into its owners only (the agency's node and server; the ledger's into the supervisor, the scheduler's into the scheduler), the CA key nowhere, and no plain NATS", () => {
    const owners: Record<string, string[]> = {
      ...Object.fromEntries(AGENCIES.map((a) => [a, [a, `shekara-${a}`]])),
      ledger: ['supervisor'],
      scheduler: ['scheduler'],
      sys: [],
    };
    for (const [dir, services] of Object.entries(owners)) {
      for (const [service, block] of all) {
        const mounts = block.includes(`./var/bus-docker/${dir}/secrets:`) || block.includes(`./var/bus-docker/${dir}:`);
        expect({ service, dir, mounts }).toEqual({ service, dir, mounts: services.includes(service) });
      }
    }
    for (const [service, block] of all) expect({ service, caKey: block.includes('ca-private'), plain: /NATS_URL|nats:\/\//.test(block) }).toEqual({ service, caKey: false, plain: false });
    for (const [service, identity] of [...AGENCIES.map((a) => [a, `${a}-node`]), ['supervisor', 'supervisor'], ['scheduler', 'scheduler']]) {
      // (border and customs take BUS_DIR from interior's environment: <<: *nodeenv)
      expect(all.get(service)).toMatch(/BUS_DIR: \/bus|<<: \*nodeenv/);
      expect(all.get(service)).toContain(`BUS_IDENTITY: ${identity}`);
    }
  });
});

describe('docker-compose.yml: the migrations are a step of their own', () => {
  const all = services();

  it('gives the owners’ URLs to db-migrate only, which runs every app’s migration step before the apps start', () => {
    for (const [service, block] of all) {
      const owner = /DATABASE_MIGRATION_URL|_owner:/.test(block);
      expect({ service, owner }).toEqual({ service, owner: ['db-provision', 'db-migrate'].includes(service) });
    }
    const migrate = all.get('db-migrate')!;
    expect(migrate).toContain('db-provision: { condition: service_completed_successfully }');
    expect(migrate).toContain('node dist/apps/$$app/src/main.js migrate');
    for (const app of ['supervisor', ...AGENCIES]) {
      const block = all.get(app)!;
      expect({ app, after: block.includes('db-migrate: { condition: service_completed_successfully }') }).toEqual({ app, after: true });
      expect(block).toMatch(/DATABASE_URL: postgres:\/\/shekara_\w+_app:/);
    }
  });
});

describe('docker-compose.cluster.yml: the optional clustered bus', () => {
  const all = services(clusterText);
  const topology = loadTopology(join(__dirname, '..', 'config', 'bus.docker-cluster.json'));
  const servers = [
    { dir: 'hub', server: topology.hub.server, cluster: topology.hub.cluster },
    ...topology.accounts.flatMap((a) => (a.leaf ? [{ dir: a.agency!, server: a.leaf.server, cluster: a.leaf.cluster }] : [])),
  ];

  it('runs every member of every cluster of config/bus.docker-cluster.json from its own config, reachable by its name', () => {
    for (const { dir, server, cluster } of servers) {
      expect(cluster?.size).toBe(3);
      for (const [i, member] of memberNames(server, cluster).entries()) {
        // The first member keeps the single server's service (what the apps depend on) and answers to its member name.
        const service = i === 0 ? server : member;
        const block = all.get(service);
        expect({ member, service: !!block }).toEqual({ member, service: true });
        expect(block).toContain(`command: ["-c", "/bus/${dir}/${member}.conf"]`);
        if (i === 0) expect(block).toContain(`aliases: [${member}]`);
      }
    }
  });

  it("mounts into each member only its own server's directory and the CA certificate", () => {
    for (const [service, block] of all) {
      const mounts = [...block.matchAll(/\.\/var\/bus-docker\/([\w.-]+)/g)].map((m) => m[1]);
      const owner = servers.find((s) => service === s.server || service.startsWith(`${s.server}-`));
      if (!owner) {
        expect({ service, mounts }).toEqual({ service, mounts: [] }); // the apps keep their mounts from docker-compose.yml
        continue;
      }
      for (const m of mounts) expect({ service, mount: m }).toEqual({ service, mount: ['ca', owner.dir].includes(m) ? m : `only ca or ${owner.dir}` });
      expect(block).not.toContain('ca-private');
    }
  });

  it('runs each app with its own streams at R3', () => {
    for (const app of [...AGENCIES, 'supervisor']) expect(all.get(app)).toContain('STREAM_REPLICAS: "3"');
  });
});

describe('docker-compose files: no key twice in a depends_on', () => {
  it.each([['docker-compose.yml', text], ['docker-compose.cluster.yml', clusterText]])('%s', (_file, source) => {
    for (const [service, block] of services(source)) {
      const deps = /\n    depends_on:\n((?:      .*\n)+)/.exec(`\n${block}`)?.[1] ?? '';
      const keys = [...deps.matchAll(/^      ([\w-]+):/gm)].map((m) => m[1]);
      expect({ service, keys }).toEqual({ service, keys: [...new Set(keys)].filter((k) => k !== service) });
    }
  });
});
