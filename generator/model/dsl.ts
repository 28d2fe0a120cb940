/**
 * The values model DSL: every key is authored once with its type, default and description.
 * From a model the generator derives values.yaml, values.schema.json and the README values table.
 */

export type JsonSchema = Record<string, unknown>;

interface Base {
  description: string;
  /** Extra JSON Schema keywords (pattern, minimum, format...). */
  constraints?: JsonSchema;
}

/** A scalar key; `V` is the TypeScript type of its value. */
export interface Leaf<V extends string | number | boolean = string | number | boolean> extends Base {
  kind: 'leaf';
  type: 'string' | 'integer' | 'number' | 'boolean';
  default: V;
  enum?: readonly (string | number)[];
}

export interface Free<V = unknown> extends Base {
  kind: 'free';
  /** JSON Schema of the value (objects passed through to Kubernetes: resources, affinity...). */
  schema: JsonSchema;
  default: V;
}

export interface Group<F extends Record<string, Node> = Record<string, Node>> extends Base {
  kind: 'group';
  fields: F;
}

export type Node = Leaf | Free | Group;

/** The values a model describes, as TypeScript reads them (code that reads values types them from the model). */
export type ValuesOf<N> = N extends Group<infer F> ? { [K in keyof F]: ValuesOf<F[K]> }
  : N extends Leaf<infer V> ? V
  : N extends Free<infer V> ? V
  : never;

type Options = Omit<Base, 'description'> & { enum?: readonly (string | number)[] };

export const str = (def: string, description: string, opts: Options = {}): Leaf<string> => ({ kind: 'leaf', type: 'string', default: def, description, ...opts });
/** Kubernetes and Redis read these as 32-bit integers: a larger one passes JSON Schema but not the API server. */
const INT32_MAX = 2_147_483_647;
export const int = (def: number, description: string, opts: Options = {}): Leaf<number> =>
  ({ kind: 'leaf', type: 'integer', default: def, description, ...opts, constraints: { maximum: INT32_MAX, ...opts.constraints } });
export const num = (def: number, description: string, opts: Options = {}): Leaf<number> => ({ kind: 'leaf', type: 'number', default: def, description, ...opts });
export const bool = (def: boolean, description: string): Leaf<boolean> => ({ kind: 'leaf', type: 'boolean', default: def, description });
export const oneOf = <T extends string>(values: readonly T[], def: T, description: string): Leaf<T> => ({ kind: 'leaf', type: 'string', default: def, description, enum: values });
export const free = <V>(def: V, description: string, schema: JsonSchema): Free<V> => ({ kind: 'free', default: def, description, schema });
export const group = <F extends Record<string, Node>>(description: string, fields: F): Group<F> => ({ kind: 'group', description, fields });

export const stringList = (def: string[], description: string, item: JsonSchema = { type: 'string' }): Free<string[]> =>
  free(def, description, { type: 'array', items: item });
export const stringMap = (def: Record<string, string>, description: string): Free<Record<string, string>> =>
  free(def, description, { type: 'object', additionalProperties: { type: 'string' } });
export const objectList = (def: unknown[], description: string): Free<unknown[]> =>
  free(def, description, { type: 'array', items: { type: 'object' } });
export const anyObject = (def: Record<string, unknown>, description: string): Free<Record<string, unknown>> =>
  free(def, description, { type: 'object' });

/** Walk a model depth-first, with the dotted path of every node. */
export function* walk(node: Node, path: string[] = []): Generator<[string[], Node]> {
  yield [path, node];
  if (node.kind === 'group') {
    for (const [key, child] of Object.entries(node.fields)) yield* walk(child, [...path, key]);
  }
}

export function defaults(node: Node): unknown {
  if (node.kind !== 'group') return structuredClone(node.default);
  return Object.fromEntries(Object.entries(node.fields).map(([k, v]) => [k, defaults(v)]));
}

export function toSchema(node: Node): JsonSchema {
  switch (node.kind) {
    case 'leaf': {
      const schema: JsonSchema = { type: node.type, description: node.description, default: node.default, ...node.constraints };
      if (node.enum) schema.enum = [...node.enum];
      return schema;
    }
    case 'free':
      return { description: node.description, default: node.default, ...node.schema, ...node.constraints };
    case 'group':
      return {
        type: 'object',
        description: node.description,
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(node.fields).map(([k, v]) => [k, toSchema(v)])),
        ...node.constraints,
      };
  }
}
