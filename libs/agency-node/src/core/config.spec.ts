import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@shekara/common';
import { loadTopology, provision } from '@shekara/bus-topology';
import { loadAgencyNodeConfig } from './config';

const env = {
  SHEKARA_AGENCY: 'border',
  DATABASE_URL: 'postgres://shekara_border_app@127.0.0.1:5432/shekara_border',
  JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  KEYS_PATH: 'var/keys/border/keys.json',
  DIRECTORY_PATH: 'var/directory.json',
  DIRECTORY_AUTHORITY_KEY: 'MCowBQYDK2VwAyEAq83hQYmlLsJtNf1ZUNpZTLFmTvc=',
  NATS_URL: 'nats://127.0.0.1:4222',
  HTTP_PORT: '3001',
};

describe('agency node configuration', () => {
  it('keeps the transparency log and the person index on unless told otherwise (the benchmark turns them off)', () => {
    const on = loadAgencyNodeConfig(env);
    expect(on.tlog?.enabled).toBe(true);
    expect(on.persons).toEqual({ indexing: true });
    const off = loadAgencyNodeConfig({ ...env, TLOG_ENABLED: 'false', PERSON_INDEX_ENABLED: 'false' });
    expect(off.tlog?.enabled).toBe(false);
    expect(off.persons).toEqual({ indexing: false });
  });

  it('reads false as false (DEMO_USERS=false once meant true: implicit conversion made Boolean("false"))', () => {
    for (const no of ['false', 'no', '0', 'FALSE']) expect(loadAgencyNodeConfig({ ...env, DEMO_USERS: no }).demoUsers).toBe(false);
    for (const yes of ['true', 'yes', '1']) expect(loadAgencyNodeConfig({ ...env, DEMO_USERS: yes }).demoUsers).toBe(true);
    expect(loadAgencyNodeConfig(env).demoUsers).toBe(false);
  });

  it('refuses a switch that is not a boolean', () => {
    expect(() => loadAgencyNodeConfig({ ...env, TLOG_ENABLED: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadAgencyNodeConfig({ ...env, PERSON_INDEX_ENABLED: '2' })).toThrow(/PERSON_INDEX_ENABLED/);
  });

  it('refuses the owner URL (the migrations are a step of their own) and checks the maintenance URL names the same database as another role', () => {
    const owner = 'postgres://shekara_border_owner@127.0.0.1:5432/shekara_border';
    expect(() => loadAgencyNodeConfig({ ...env, DATABASE_MIGRATION_URL: owner })).toThrow(/DATABASE_MIGRATION_URL is for the migration step only/);
    expect(loadAgencyNodeConfig(env).maintenanceDatabaseUrl).toBeUndefined();
    expect(loadAgencyNodeConfig({ ...env, DATABASE_MAINTENANCE_URL: owner }).maintenanceDatabaseUrl).toBe(owner);
    expect(() => loadAgencyNodeConfig({ ...env, DATABASE_MAINTENANCE_URL: env.DATABASE_URL })).toThrow(/two different roles/);
    expect(() => loadAgencyNodeConfig({ ...env, DATABASE_MAINTENANCE_URL: 'postgres://shekara_border_owner@127.0.0.1:5432/other' })).toThrow(/same server and database/);
  });

  it('takes its stream replicas from the servers holding its JetStream domain, and refuses more than they are', async () => {
    const out = mkdtempSync(join(tmpdir(), 'node-config-bus-'));
    try {
      await provision({ topology: loadTopology(resolve(__dirname, '../../../../config/bus.cluster.json')), out });
      const { NATS_URL: _plain, ...provisioned } = { ...env, BUS_DIR: out };
      // interior's server is a cluster of three (as every agency's in this topology): R3.
      expect(loadAgencyNodeConfig({ ...provisioned, SHEKARA_AGENCY: 'interior', BUS_IDENTITY: 'interior-node' }).streamReplicas).toBe(3);
      expect(loadAgencyNodeConfig({ ...provisioned, SHEKARA_AGENCY: 'interior', BUS_IDENTITY: 'interior-node', STREAM_REPLICAS: '1' }).streamReplicas).toBe(1);
      expect(() => loadAgencyNodeConfig({ ...provisioned, SHEKARA_AGENCY: 'interior', BUS_IDENTITY: 'interior-node', STREAM_REPLICAS: '5' })).toThrow(/5 replicas asked, but only 3 server\(s\) hold/);
      // A plain server: 1 unless set.
      expect(loadAgencyNodeConfig(env).streamReplicas).toBe(1);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
