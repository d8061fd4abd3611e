import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';

/** The environment, read once at the edge (main.ts) and handed in; nothing else reads process.env. */
export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables against a class whose property names are the variable names
 * (class-validator decorators, class-transformer @Type/@Transform for conversion). Throws a
 * ConfigError naming every missing or bad setting.
 */
export function validateEnvironment<T extends object>(cls: new () => T, env: Environment): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
  if (errors.length) throw new ConfigError(errors.flatMap(describe));
  return instance;
}

function describe(e: ValidationError): string[] {
  const constraints = Object.values(e.constraints ?? {});
  const shown = e.value === undefined ? 'missing' : /SECRET|PASSWORD|PASS$/.test(e.property) ? 'bad value' : `got "${String(e.value)}"`;
  return constraints.length ? [`${e.property} (${shown}): ${constraints.join('; ')}`] : [];
}
