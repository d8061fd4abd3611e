/**
 * A client made from nothing but a served OpenAPI document: operations are called by operationId,
 * with the parameters and body the document declares, and every request body and 2xx response is
 * checked against the document's schemas. Whatever the document leaves out (an operation, a
 * parameter, a body, a response schema) fails the call: what a generated client would lack.
 */
type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  format?: string;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required?: boolean };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  security?: Record<string, unknown>[];
}
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, { type: string; scheme?: string }> };
}

export class OpenApiClient {
  private readonly ops = new Map<string, { method: string; path: string; op: Operation }>();

  constructor(
    private readonly doc: OpenApiDoc,
    private readonly baseUrl: string,
  ) {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.operationId) continue;
        if (this.ops.has(op.operationId)) throw new Error(`operationId ${op.operationId} is not unique`);
        this.ops.set(op.operationId, { method: method.toUpperCase(), path, op });
      }
    }
  }

  operation(id: string): Operation {
    const found = this.ops.get(id);
    if (!found) throw new Error(`the document has no operation ${id}`);
    return found.op;
  }

  async call(id: string, a: { params?: Record<string, string>; query?: Record<string, string | number>; body?: unknown; token?: string } = {}): Promise<{ status: number; body: any }> {
    const found = this.ops.get(id);
    if (!found) throw new Error(`the document has no operation ${id}`);
    const { method, op } = found;
    const declared = op.parameters ?? [];
    let path = found.path;
    for (const p of declared.filter((p) => p.in === 'path')) {
      const v = a.params?.[p.name];
      if (v === undefined) throw new Error(`${id}: path parameter ${p.name} not given`);
      path = path.replace(`{${p.name}}`, encodeURIComponent(v));
    }
    for (const name of Object.keys(a.params ?? {})) if (!declared.some((p) => p.in === 'path' && p.name === name)) throw new Error(`${id}: no path parameter ${name} in the document`);
    const qs = new URLSearchParams();
    for (const [name, v] of Object.entries(a.query ?? {})) {
      if (!declared.some((p) => p.in === 'query' && p.name === name)) throw new Error(`${id}: no query parameter ${name} in the document`);
      qs.set(name, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (op.security?.some((s) => 'bearer' in s)) {
      if (!a.token) throw new Error(`${id}: the document asks for a bearer token`);
      headers.authorization = `Bearer ${a.token}`;
    } else if (a.token) throw new Error(`${id}: the document declares no bearer security`);
    if (a.body !== undefined) {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!schema) throw new Error(`${id}: the document declares no JSON body`);
      const problems = this.check(schema, a.body, 'body');
      if (problems.length) throw new Error(`${id}: the request does not match the document: ${problems.join('; ')}`);
      headers['content-type'] = 'application/json';
    } else if (op.requestBody?.required) throw new Error(`${id}: the document requires a body`);
    const res = await fetch(`${this.baseUrl}${path}${qs.size ? `?${qs}` : ''}`, { method, headers, body: a.body === undefined ? undefined : JSON.stringify(a.body) });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (res.status >= 200 && res.status < 300) {
      const response = op.responses[String(res.status)];
      if (!response) throw new Error(`${id}: status ${res.status} is not in the document`);
      const schema = response.content?.['application/json']?.schema;
      if (body !== undefined) {
        if (!schema) throw new Error(`${id}: the document gives no schema for the ${res.status} answer`);
        const problems = this.check(schema, body, 'response');
        if (problems.length) throw new Error(`${id}: the response does not match the document: ${problems.join('; ')}`);
      }
    }
    return { status: res.status, body };
  }

  /** Problems of `value` against `schema` (OpenAPI 3.0 subset: $ref, allOf/oneOf/anyOf, nullable, type, enum, properties, required, items). */
  check(schema: Schema, value: unknown, at: string): string[] {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = this.doc.components.schemas[name];
      return target ? this.check(target, value, at) : [`${at}: unresolved ${schema.$ref}`];
    }
    if (value === null) return schema.nullable || !schema.type ? [] : [`${at}: null`];
    const problems: string[] = [];
    for (const s of schema.allOf ?? []) problems.push(...this.check(s, value, at));
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives && !alternatives.some((s) => this.check(s, value, at).length === 0)) problems.push(`${at}: matches none of the alternatives`);
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
    const type = Array.isArray(value) ? 'array' : typeof value;
    switch (schema.type) {
      case undefined:
        break;
      case 'integer':
        if (!Number.isInteger(value)) problems.push(`${at}: not an integer`);
        break;
      case 'object':
        if (type !== 'object') problems.push(`${at}: not an object`);
        break;
      default:
        if (type !== schema.type) problems.push(`${at}: ${type}, not ${schema.type}`);
    }
    if (type === 'object' && value) {
      const o = value as Record<string, unknown>;
      for (const r of schema.required ?? []) if (o[r] === undefined) problems.push(`${at}.${r}: missing`);
      for (const [k, s] of Object.entries(schema.properties ?? {})) if (o[k] !== undefined) problems.push(...this.check(s, o[k], `${at}.${k}`));
    }
    if (type === 'array' && schema.items) (value as unknown[]).forEach((v, i) => problems.push(...this.check(schema.items!, v, `${at}[${i}]`)));
    return problems;
  }
}
