import { ConfigError } from '@shekara/common';
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
});
