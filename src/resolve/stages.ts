/**
 * `spec.stages`: one policy document per stage, before resolution. A stage is the shared spec
 * with the stage's own fields laid over it, so every rule, target and check runs per stage on
 * an ordinary policy and nothing downstream knows stages exist except the few that name them.
 */

/* The raw document, as the schema guarantees it. */
type Raw = Record<string, any>;

/** What a resolved stage knows of its place in the order; null on a policy without stages. */
export interface StageSpec {
  name: string;
  /** Position in `spec.stages`, from 0. */
  index: number;
  /** Every stage's name, in order. */
  order: string[];
  /** true when the stage states its own `versions`; false when it follows spec.versions. */
  ownVersions: boolean;
  /** The stage before this one, as its versions stand in the policy; null for the first. */
  previous: { name: string; namespace: string; stable: number; previous: number[] } | null;
}

/** The policies the document compiles to: one per stage index, or the one policy (null). */
export function stageIndexes(data: unknown): Array<number | null> {
  const stages = ((data as Raw).spec as Raw).stages as Raw[] | undefined;
  return stages ? stages.map((_, index) => index) : [null];
}

/**
 * The document stage `index` compiles from: its namespace replaces `metadata.namespace`; its
 * `traffic` and `canary` fields replace the shared ones field by field; its `versions`, when
 * given, replace the shared versions whole (a stage states its own stable and candidate; a
 * candidate is never inherited), keeping the shared `info` and `offlineChecks` unless it gives them.
 */
export function stageDocument(data: unknown, index: number): { data: Raw; stage: StageSpec } {
  const doc = data as Raw;
  const spec = doc.spec as Raw;
  const stages = spec.stages as Raw[];
  const { stages: _, ...shared } = spec;
  const own = stages[index]!;
  const versionsOf = (stage: Raw): Raw => (stage.versions ? { info: spec.versions.info, offlineChecks: spec.versions.offlineChecks, ...stage.versions } : spec.versions);
  const namespaceOf = (stage: Raw): string => stage.namespace ?? doc.metadata.namespace ?? 'default';
  const staged: Raw = {
    ...doc,
    metadata: { ...doc.metadata, namespace: namespaceOf(own) },
    spec: {
      ...shared,
      versions: dropUndefined(versionsOf(own)),
      traffic: { ...spec.traffic, ...own.traffic },
      ...(spec.canary || own.canary ? { canary: { ...spec.canary, ...own.canary } } : {}),
    },
  };
  const before = index > 0 ? stages[index - 1]! : null;
  const previous = before ? { name: before.name as string, namespace: namespaceOf(before), stable: versionsOf(before).stable as number, previous: (versionsOf(before).previous ?? []) as number[] } : null;
  return { data: staged, stage: { name: own.name, index, order: stages.map((stage) => stage.name as string), ownVersions: own.versions !== undefined, previous } };
}

/**
 * Where a path into the stage's document is written in the file: in the stage when the stage
 * sets that field, otherwise in the shared spec. Diagnostics found on a stage point at the
 * line a person would change.
 */
export function stagePath(data: unknown, index: number, path: ReadonlyArray<string | number>): ReadonlyArray<string | number> {
  const own = (((data as Raw).spec as Raw).stages as Raw[])[index]!;
  const inStage: Array<string | number> = ['spec', 'stages', index];
  if (path[0] === 'metadata' && path[1] === 'namespace') return own.namespace === undefined ? path : [...inStage, 'namespace'];
  if (path[0] !== 'spec' || typeof path[1] !== 'string') return path;
  const key = path[1];
  const setHere = typeof path[2] === 'string' && own[key] !== undefined && path[2] in own[key];
  // A stage's `versions` replace the shared ones whole, but for the `info` and `offlineChecks` it leaves out.
  const inherited = key === 'versions' && (path[2] === 'info' || path[2] === 'offlineChecks') && !setHere;
  if ((key === 'versions' && own.versions && !inherited) || ((key === 'traffic' || key === 'canary') && setHere)) return [...inStage, ...path.slice(1)];
  return path;
}

export function stageName(data: unknown, index: number): string {
  return (((data as Raw).spec as Raw).stages as Raw[])[index]!.name as string;
}

function dropUndefined(record: Raw): Raw {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
