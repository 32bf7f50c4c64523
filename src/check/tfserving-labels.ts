/**
 * TF Serving refuses a config whose label points at a version that is not loaded yet (even with
 * --allow_version_labels_for_unavailable_models, once the label exists). This finds such label
 * moves by comparing the policy with the previously generated `models.config`, and says the safe
 * order: load the version first (`versions.preload`), then point the label at it.
 */
import type { ResolvedPolicy } from '../resolve/policy.js';
import { versionLabels } from '../targets/tfserving.js';

export interface LabelMoveHazard {
  label: string;
  version: number;
  message: string;
}

interface PreviousModel {
  versions: Set<number>;
  labels: Map<string, number>;
}

/** `previousModelsConfigText`: modelgate's own earlier `models.config`, or null on a first release. */
export function labelMoveHazards(previousModelsConfigText: string | null, policy: ResolvedPolicy): LabelMoveHazard[] {
  if (previousModelsConfigText === null) return [];
  const previous = parseModelsConfig(previousModelsConfigText).get(policy.model.name);
  // A model the server does not run yet is loaded fresh, labels included.
  if (!previous) return [];
  return versionLabels(policy)
    .filter(({ label, version }) => previous.labels.get(label) !== version && !previous.versions.has(version))
    .map(({ label, version }) => ({
      label,
      version,
      message:
        `TF Serving label "${label}" of model ${policy.model.name} would point at version ${version}, which the current config ` +
        `does not load (it loads ${[...previous.versions].join(', ') || 'none'}), and TF Serving rejects that config. ` +
        `Release in two steps: first add ${version} to versions.preload and keep the labels where they are; once version ` +
        `${version} is AVAILABLE, point "${label}" at it.`,
    }));
}

type Token = { kind: 'word' | 'string' | 'number' | '{' | '}' | ':'; text: string };

/** Reads the `model_config_list` text modelgate prints: models by name, their versions and labels. */
export function parseModelsConfig(text: string): Map<string, PreviousModel> {
  const tokens = tokenize(text);
  const models = new Map<string, PreviousModel>();
  let i = 0;
  const path: string[] = [];
  let model: { name: string } & PreviousModel = { name: '', versions: new Set(), labels: new Map() };
  let labelKey: string | null = null;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind === '}') {
      const closed = path.pop();
      if (closed === 'config') models.set(model.name, { versions: model.versions, labels: model.labels });
      i++;
      continue;
    }
    if (token.kind !== 'word') throw new Error(`models.config: unexpected ${token.text}`);
    const next = tokens[i + 1];
    if (next?.kind === '{' || (next?.kind === ':' && tokens[i + 2]?.kind === '{')) {
      path.push(token.text);
      if (token.text === 'config') model = { name: '', versions: new Set(), labels: new Map() };
      i += next.kind === '{' ? 2 : 3;
      continue;
    }
    const value = tokens[i + 2];
    if (next?.kind !== ':' || !value) throw new Error(`models.config: ${token.text} has no value`);
    const at = path[path.length - 1];
    if (at === 'config' && token.text === 'name') model.name = unquote(value.text);
    if (at === 'specific' && token.text === 'versions') model.versions.add(Number(value.text));
    if (at === 'version_labels' && token.text === 'key') labelKey = unquote(value.text);
    if (at === 'version_labels' && token.text === 'value' && labelKey !== null) model.labels.set(labelKey, Number(value.text));
    i += 3;
  }
  return models;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|#[^\n]*|([{}:])|("(?:[^"\\]|\\.)*")|(-?[0-9]+)|([A-Za-z_][A-Za-z0-9_]*)/gy;
  for (let offset = 0; offset < text.length; offset = pattern.lastIndex) {
    pattern.lastIndex = offset;
    const match = pattern.exec(text);
    if (!match) throw new Error(`models.config: cannot read from offset ${offset}`);
    if (match[1]) tokens.push({ kind: match[1] as '{' | '}' | ':', text: match[1] });
    else if (match[2]) tokens.push({ kind: 'string', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'number', text: match[3] });
    else if (match[4]) tokens.push({ kind: 'word', text: match[4] });
  }
  return tokens;
}

/** Undo protobuf string escaping (C escapes and octal bytes) back to UTF-8 text. */
function unquote(literal: string): string {
  const bytes: number[] = [];
  const body = literal.slice(1, -1);
  const simple: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '"': 0x22, "'": 0x27, '\\': 0x5c };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      bytes.push(...new TextEncoder().encode(body[i]!));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[body[i + 1]!] ?? body.charCodeAt(i + 1));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
