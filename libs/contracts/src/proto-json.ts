import { ScalarType, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonObject, JsonValue, JsonWriteOptions, MessageShape } from '@bufbuild/protobuf';

/** Bytes shorter than this are left to protobuf-es (taking them out costs more than it saves). */
const TAKE_FROM = 256;
const EMPTY = new Uint8Array(0);

type Patch = (json: JsonObject) => void;

/**
 * protobuf-es's `toJson`, with the message's longer bytes fields base64-encoded by Node rather than
 * by protobuf-es, which builds the string a character at a time: about 120 ms for a 512 KiB
 * attachment chunk against 2 ms, and the recipient converts every envelope to JSON to validate it.
 * The same JSON (the spec compares them). The message is unchanged when it returns (its bytes
 * fields are taken out for the conversion and put back, also when it throws).
 */
export function protoToJson<D extends DescMessage>(desc: D, message: MessageShape<D>, options?: Partial<JsonWriteOptions>): JsonValue {
  const undo: (() => void)[] = [];
  try {
    const patches = takeBytes(desc, message as unknown as Record<string, unknown>, options?.useProtoFieldName ?? false, undo);
    const json = toJson(desc, message, options);
    if (patches.length && json !== null && typeof json === 'object' && !Array.isArray(json)) for (const p of patches) p(json);
    return json;
  } finally {
    for (const u of undo) u();
  }
}

/**
 * Takes the long bytes fields out of `msg` (and of the messages it holds, singular, in lists and in
 * oneofs; not in maps or well-known types), replacing each by an empty array; returns what writes
 * their base64 into the JSON of `msg`.
 */
function takeBytes(desc: DescMessage, msg: Record<string, unknown>, protoNames: boolean, undo: (() => void)[]): Patch[] {
  const patches: Patch[] = [];
  // Well-known types have JSON forms of their own (Any's bytes are not written as base64).
  if (desc.typeName.startsWith('google.protobuf.')) return patches;
  for (const f of desc.fields) {
    let holder = msg;
    let key = f.localName;
    if (f.oneof) {
      const o = msg[f.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (o?.case !== f.localName) continue;
      holder = o as Record<string, unknown>;
      key = 'value';
    }
    const name = protoNames ? f.name : f.jsonName;
    const v = holder[key];
    if (f.fieldKind === 'scalar' && f.scalar === ScalarType.BYTES && v instanceof Uint8Array && v.length >= TAKE_FROM) {
      const base64 = Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
      const h = holder;
      h[key] = EMPTY;
      undo.push(() => (h[key] = v));
      patches.push((json) => (json[name] = base64));
    } else if (f.fieldKind === 'message' && isMessage(v)) {
      const inner = takeBytes(f.message, v, protoNames, undo);
      if (inner.length) patches.push((json) => applyTo(json[name], inner));
    } else if (f.fieldKind === 'list' && f.listKind === 'message' && Array.isArray(v)) {
      v.forEach((item, i) => {
        if (!isMessage(item)) return;
        const inner = takeBytes(f.message, item, protoNames, undo);
        if (inner.length) patches.push((json) => applyTo((json[name] as JsonValue[] | undefined)?.[i], inner));
      });
    }
  }
  return patches;
}

function isMessage(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && '$typeName' in v;
}

function applyTo(json: JsonValue | undefined, patches: Patch[]): void {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) for (const p of patches) p(json);
}
