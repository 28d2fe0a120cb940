import type { JsonSchema } from '../model/dsl.ts';

/** values.schema.json: draft-07, strict objects, so a typo fails at `helm install`. */
export function valuesSchemaJson(body: JsonSchema, title: string): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title, ...body };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
