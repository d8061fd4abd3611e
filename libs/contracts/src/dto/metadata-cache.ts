import { getMetadataStorage } from 'class-validator';

/** The parts of class-validator's MetadataStorage the cache wraps (its public, documented shape). */
interface Storage {
  getTargetValidationMetadatas(target: unknown, schema: unknown, always: boolean, strictGroups: boolean, groups?: string[]): unknown[];
  groupByPropertyName(metadatas: unknown[]): Record<string, unknown[]>;
  addValidationMetadata(metadata: unknown): void;
  addConstraintMetadata(metadata: unknown): void;
}

const CACHED = Symbol.for('shekara.class-validator.metadata-cache');

/**
 * Caches what class-validator looks up for every object it validates: the validation metadata of
 * the object's class, and those grouped by property. Uncached, each nested object of a report
 * filtered the metadata of every registered class (to find inherited rules) and grouped the result
 * again: most of the time and allocation of validating a report. The metadata only changes when a
 * decorator registers more (when a module defining DTOs is loaded): any registration empties the
 * cache. Installed once per process (the storage is process-wide); the results are class-validator's
 * own, only not recomputed.
 */
export function cacheValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage & { [CACHED]?: true };
  if (storage[CACHED]) return;
  storage[CACHED] = true;
  let byTarget = new WeakMap<object, Map<string, unknown[]>>();
  let grouped = new WeakMap<unknown[], Record<string, unknown[]>>();
  const clear = () => {
    byTarget = new WeakMap();
    grouped = new WeakMap();
  };

  const getTarget = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function') return getTarget(target, schema, always, strictGroups, groups);
    const key = `${String(schema)}|${always}|${strictGroups}|${groups ? JSON.stringify(groups) : ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let result = forTarget.get(key);
    if (!result) forTarget.set(key, (result = getTarget(target, schema, always, strictGroups, groups)));
    return result;
  };

  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadatas) => {
    let result = grouped.get(metadatas);
    if (!result) grouped.set(metadatas, (result = group(metadatas)));
    return result;
  };

  for (const name of ['addValidationMetadata', 'addConstraintMetadata'] as const) {
    const add = storage[name].bind(storage);
    storage[name] = (metadata: unknown) => {
      clear();
      add(metadata);
    };
  }
}
