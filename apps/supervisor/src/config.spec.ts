import { ConfigError } from '@shekara/common';
import { EXPORT_XLSX_MAX_ROWS_DEFAULT, loadSupervisorConfig } from './config';

const env = {
  DATABASE_URL: 'postgres://shekara_supervisor_app@127.0.0.1:5432/shekara_supervisor',
  JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  HTTP_PORT: '3010',
  DIRECTORY_PATH: 'var/directory.json',
  DIRECTORY_AUTHORITY_KEY: 'MCowBQYDK2VwAyEAq83hQYmlLsJtNf1ZUNpZTLFmTvc=',
  NATS_URL: 'nats://127.0.0.1:4222',
};

describe('supervisor configuration', () => {
  it('limits XLSX exports to 100,000 rows unless EXPORT_XLSX_MAX_ROWS says otherwise', () => {
    expect(EXPORT_XLSX_MAX_ROWS_DEFAULT).toBe(100_000);
    expect(loadSupervisorConfig(env).exports).toEqual({ xlsxMaxRows: 100_000 });
    expect(loadSupervisorConfig({ ...env, EXPORT_XLSX_MAX_ROWS: '250000' }).exports).toEqual({ xlsxMaxRows: 250_000 });
  });

  it('reads DEMO_USERS=false as false, and refuses a value that is not a boolean', () => {
    expect(loadSupervisorConfig({ ...env, DEMO_USERS: 'false' }).demoUsers).toBe(false);
    expect(loadSupervisorConfig({ ...env, DEMO_USERS: 'true' }).demoUsers).toBe(true);
    expect(() => loadSupervisorConfig({ ...env, DEMO_USERS: 'perhaps' })).toThrow(/DEMO_USERS/);
  });

  it('refuses a limit a sheet cannot hold, or none', () => {
    for (const bad of ['0', '1048576', 'many']) expect(() => loadSupervisorConfig({ ...env, EXPORT_XLSX_MAX_ROWS: bad })).toThrow(ConfigError);
    expect(() => loadSupervisorConfig({ ...env, EXPORT_XLSX_MAX_ROWS: '1048576' })).toThrow(/EXPORT_XLSX_MAX_ROWS/);
  });

  it('refuses a JWT secret that is short or published in the repository (the docker-compose defaults)', () => {
    expect(() => loadSupervisorConfig({ ...env, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET.*32 characters/);
    expect(() => loadSupervisorConfig({ ...env, JWT_SECRET: 'change-me-supervisor-0123456789abcdef0' })).toThrow(/JWT_SECRET.*published in the repository/);
  });

  it('refuses the owner URL: the migrations are a step of their own, the running ledger has DATABASE_URL only', () => {
    expect(loadSupervisorConfig(env).databaseUrl).toBe(env.DATABASE_URL);
    expect(JSON.stringify(loadSupervisorConfig(env))).not.toContain('owner');
    expect(() => loadSupervisorConfig({ ...env, DATABASE_MIGRATION_URL: 'postgres://shekara_supervisor_owner@127.0.0.1:5432/shekara_supervisor' })).toThrow(
      /DATABASE_MIGRATION_URL is for the migration step only/,
    );
  });

  it('refuses to start without its bus (BUS_DIR), with both BUS_DIR and NATS_URL, on an unprovisioned BUS_DIR, or without the directory authority key', () => {
    const { NATS_URL: _plain, ...noBus } = env;
    expect(() => loadSupervisorConfig(noBus)).toThrow(/BUS_DIR is missing/);
    expect(() => loadSupervisorConfig({ ...env, BUS_DIR: 'var/bus' })).toThrow(/BUS_DIR and NATS_URL are both set/);
    expect(() => loadSupervisorConfig({ ...noBus, BUS_DIR: '/nonexistent/bus' })).toThrow(/BUS_DIR \/nonexistent\/bus.*not provisioned/);
    const { DIRECTORY_AUTHORITY_KEY: _key, ...noKey } = env;
    expect(() => loadSupervisorConfig(noKey)).toThrow(/DIRECTORY_AUTHORITY_KEY/);
    expect(loadSupervisorConfig(env).nats).toEqual({ kind: 'plain', servers: ['nats://127.0.0.1:4222'], identity: 'supervisor', user: undefined, pass: undefined });
  });
});
