/** Injection tokens of the scheduler's Nest module (values built once in bootstrap.ts). */
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');
export const DIRECTORY = Symbol('DIRECTORY');
/** The policies the windows are read from (policyAt picks the one in effect). */
export const POLICIES = Symbol('POLICIES');
export const TIMETABLE = Symbol('TIMETABLE');
/** Map<QueueName, Queue>. */
export const QUEUES = Symbol('QUEUES');
export const REDIS = Symbol('REDIS');
export const NATS = Symbol('NATS');
