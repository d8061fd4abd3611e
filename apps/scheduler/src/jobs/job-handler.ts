import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JOB_QUEUES, JobName, QueueName } from '../queues';

const HANDLES_JOB = 'shekara:scheduler:handles-job';

/** Marks a provider as the handler of one job name (exactly one handler per name, checked at boot). */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(HANDLES_JOB, name);

export function handledJob(target: object): JobName | undefined {
  return Reflect.getMetadata(HANDLES_JOB, target) as JobName | undefined;
}

/** A job handler: thin and idempotent (it checks the current state first; running it twice changes nothing more). */
export interface JobHandler<D = unknown, R = unknown> {
  handle(job: Job<D>): Promise<R>;
}

export class JobRegistryError extends Error {
  override readonly name = 'JobRegistryError';
}

/**
 * Checks the handlers found against the registry (queues.ts): every job name has exactly one
 * handler, every handler names a registered job, every queue has a job. Throws naming every problem.
 */
export function checkJobHandlers(found: ReadonlyArray<{ name: string; handler: JobHandler; owner: string }>): Map<JobName, JobHandler> {
  const problems: string[] = [];
  const known = new Set<string>(Object.values(JobName));
  const byName = new Map<string, string[]>();
  for (const f of found) {
    if (!known.has(f.name)) problems.push(`handler ${f.owner} names job "${f.name}", which is not in the registry`);
    byName.set(f.name, [...(byName.get(f.name) ?? []), f.owner]);
  }
  for (const name of Object.values(JobName)) {
    const owners = byName.get(name) ?? [];
    if (owners.length === 0) problems.push(`job "${name}" has no handler`);
    if (owners.length > 1) problems.push(`job "${name}" has ${owners.length} handlers (${owners.join(', ')})`);
  }
  for (const queue of Object.values(QueueName)) {
    if (!Object.values(JOB_QUEUES).includes(queue)) problems.push(`queue "${queue}" has no job`);
  }
  if (problems.length) throw new JobRegistryError(`the scheduler refuses to start: ${problems.join('; ')}`);
  return new Map(found.map((f) => [f.name as JobName, f.handler]));
}

/** The scheduled instant of a job: a scheduler iteration's own time, else when the job was created. */
export function scheduledInstant(job: Job): Date {
  if (typeof job.opts.prevMillis === 'number' && job.opts.prevMillis > 0) return new Date(job.opts.prevMillis);
  const m = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  if (m) return new Date(Number(m[1]));
  return new Date(job.timestamp + (job.opts.delay ?? 0));
}
