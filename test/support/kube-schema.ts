// Validates rendered Kubernetes objects against the OpenAPI schemas compiled into kubernetes-models
// and @kubernetes-models/prometheus-operator, plus a strict pass that rejects unknown fields.

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

type ValidateMethod = (this: unknown) => void;
interface ModelClass { prototype: { validate: ValidateMethod } }

/** The package whose models cover an API group. */
function modelPackage(group: string): string {
  if (group === '') return 'kubernetes-models';
  if (group === 'monitoring.coreos.com') return '@kubernetes-models/prometheus-operator';
  return 'kubernetes-models';
}

const modelCache = new Map<string, Promise<ModelClass | undefined>>();

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  let found = modelCache.get(key);
  if (!found) {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const specifier = `${modelPackage(group)}/${apiVersion}/${kind}`;
    found = import(specifier).then((m: Record<string, ModelClass | undefined>) => m[kind], () => undefined);
    modelCache.set(key, found);
  }
  return found;
}

/**
 * Runs a compiled schema validator on a proxy of the object and records which keys it reads.
 * The validators read every property their schema declares (and enumerate maps), so a key the
 * validator never read is a field the schema does not know: the API server would drop or reject it.
 */
function validateRecordingReads(validate: ValidateMethod, data: object): { error?: string; unknownFields: string[] } {
  const reads = new WeakMap<object, Set<PropertyKey>>();
  const enumerated = new WeakSet<object>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      const seen = new Set<PropertyKey>();
      reads.set(value, seen);
      proxy = new Proxy(value, {
        get: (t, k, r) => { seen.add(k); return wrap(Reflect.get(t, k, r)); },
        has: (t, k) => { seen.add(k); return Reflect.has(t, k); },
        getOwnPropertyDescriptor: (t, k) => { seen.add(k); return Reflect.getOwnPropertyDescriptor(t, k); },
        ownKeys: (t) => { enumerated.add(t); return Reflect.ownKeys(t); },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };

  let error: string | undefined;
  try {
    validate.call(wrap(data));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }

  const unknownFields: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    const seen = reads.get(value);
    // Not read at all: a free-form object (preserve-unknown-fields), or below a field already reported.
    const checked = seen !== undefined && seen.size > 0 && !enumerated.has(value);
    for (const [key, child] of Object.entries(value)) {
      if (checked && !seen.has(key)) unknownFields.push(`${path}.${key}`);
      visit(child, `${path}.${key}`);
    }
  };
  visit(data, '');
  return { error, unknownFields };
}

/** Every schema problem of one object; empty when the API server would accept it as written. */
export async function schemaProblems(obj: KubeObject): Promise<string[]> {
  const model = await loadModel(obj.apiVersion, obj.kind);
  if (!model) return [`no schema known for ${obj.apiVersion} ${obj.kind}`];
  const { error, unknownFields } = validateRecordingReads(model.prototype.validate, obj);
  return [
    ...(error ? [`schema: ${error}`] : []),
    ...unknownFields.map((f) => `unknown field ${f.slice(1)}`),
  ];
}
