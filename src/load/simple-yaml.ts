/**
 * The YAML most policies are written in, read without building yaml's document: js-yaml's event
 * parser (`parseEvents`: source offsets, no tree) and one walk that makes the data (or, when a
 * diagnostic needs them, the places), about five times less work than yaml's lexer, CST,
 * composer and `toJS`. It answers only for a narrow subset whose meaning both parsers agree on
 * (single-line scalars without escapes, one-line flow collections, no tags, anchors, aliases,
 * directives or block scalars, unique keys); for anything else it answers undefined and
 * `load.ts` reads the file with yaml as before, so every error, warning and unusual construct
 * keeps yaml's reading. Plain scalars resolve with yaml's own YAML 1.2 core tags.
 * test/load/simple-yaml.test.ts holds the subset to yaml's reading.
 */
import { EVENT_ID, SCALAR_STYLE, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import { Schema, isScalar, type ScalarTag } from 'yaml';
import type { Place } from './load.js';

/** yaml's core tags in its order, as yaml's composer tries them on a plain scalar (`findScalarTagByTest`). */
const CORE_TAGS = new Schema({ schema: 'core' }).tags.filter((tag): tag is ScalarTag & { test: RegExp } => tag.default === true && 'test' in tag && tag.test !== undefined);
const TAG_OPTIONS = { intAsBigInt: false } as const;

/**
 * Characters that make yaml and js-yaml part ways or that yaml reports: tabs (yaml's
 * TAB_AS_INDENT), carriage returns, controls and the Unicode line separators, and an explicit key
 * indicator (`? `), which the events do not show.
 */
const OUTSIDE_SUBSET = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]|(?:^|[\s,[{])\?(?:[ \n]|$)/m;

/** yaml's strict mode refuses an implicit key longer than this. */
const MAX_IMPLICIT_KEY = 1024;

/** A plain scalar starting with one of these is an indicator, reserved, or read differently. */
const PLAIN_FIRST = /^[?:,[\]{}#&*!|>'"%@`]/;

/** Thrown inside the walk when the text leaves the subset; caught at the top. */
const LEAVE = Symbol('outside the simple subset');

export function readSimpleYaml(text: string): { data: unknown } | undefined {
  const read = walk(text, false);
  return read && { data: read.value };
}

/**
 * The places of a text `readSimpleYaml` reads, made again when a diagnostic first needs one:
 * held for every policy of a run they were the largest part of its memory (55 MiB at 10,000).
 */
export function simpleYamlPlaces(text: string): Place | undefined {
  return walk(text, true)?.place;
}

function walk(text: string, withPlaces: boolean): Read | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  // One document: DOCUMENT, its node, POP.
  const document = events[0];
  if (document?.type !== EVENT_ID.DOCUMENT || document.explicitEnd || document.directives.length > 0 || events.length < 3 || events[events.length - 1]!.type !== EVENT_ID.POP) return undefined;
  const walk = new Walk(text, events, withPlaces);
  try {
    const root = walk.node(false, -1);
    return walk.at === events.length - 1 ? root : undefined;
  } catch (error) {
    if (error === LEAVE) return undefined;
    throw error;
  }
}

interface Read {
  value: unknown;
  place: Place;
  /** Offset just past the node's last character (its closing quote or bracket). */
  end: number;
}

class Walk {
  /** Index of the next event. */
  at = 1;
  constructor(
    private readonly text: string,
    private readonly events: Event[],
    private readonly withPlaces: boolean,
  ) {}

  /** The node at the cursor; `lineEnd` ≥ 0 inside a flow collection: everything must end before it. */
  node(inFlow: boolean, lineEnd: number): Read {
    const event = this.events[this.at++]!;
    if (event.type === EVENT_ID.SCALAR) return this.scalar(event, inFlow, lineEnd);
    if (event.type !== EVENT_ID.MAPPING && event.type !== EVENT_ID.SEQUENCE) throw LEAVE;
    if (event.anchorStart !== -1 || event.tagStart !== -1) throw LEAVE;
    const open = this.text[event.start];
    const flow = open === '[' || open === '{';
    // A flow sequence's `[a: 1]` is a one-pair mapping without braces; yaml keeps it as a pair.
    if (inFlow && !flow) throw LEAVE;
    if (flow && open !== (event.type === EVENT_ID.MAPPING ? '{' : '[')) throw LEAVE;
    let innerLineEnd = lineEnd;
    if (flow && !inFlow) {
      // yaml and js-yaml differ on how a flow collection over several lines must be indented.
      const newline = this.text.indexOf('\n', event.start);
      innerLineEnd = newline === -1 ? this.text.length : newline;
    }
    const read = event.type === EVENT_ID.MAPPING ? this.mapping(event.start, flow, innerLineEnd) : this.sequence(event.start, flow, innerLineEnd);
    if (flow) read.end = this.closing(read.end, open === '{' ? '}' : ']', innerLineEnd);
    return read;
  }

  private mapping(start: number, flow: boolean, lineEnd: number): Read {
    const value: Record<string, unknown> = {};
    const keys = this.withPlaces ? new Map<string, Place>() : undefined;
    let end = start + 1;
    while (this.events[this.at]!.type !== EVENT_ID.POP) {
      const keyEvent = this.events[this.at++]!;
      if (keyEvent.type !== EVENT_ID.SCALAR) throw LEAVE;
      const key = this.scalar(keyEvent, flow, lineEnd);
      if (key.end - (key.place.start ?? 0) > MAX_IMPLICIT_KEY || key.value === null) throw LEAVE;
      const name = String(key.value);
      // A repeated key is reported by load.ts's yaml path; `__proto__` would set the prototype.
      if (Object.hasOwn(value, name) || name === '__proto__') throw LEAVE;
      const next = this.events[this.at]!;
      if (!flow && next.type === EVENT_ID.SCALAR && next.style === SCALAR_STYLE.PLAIN && next.valueStart === -1) {
        // `key:` with nothing after it: null, placed at its key.
        this.at++;
        value[name] = null;
        keys?.set(name, { start: key.place.start });
        end = key.end;
        continue;
      }
      const read = this.node(flow, lineEnd);
      value[name] = read.value;
      keys?.set(name, { start: key.place.start, ...children(read.place) });
      end = read.end;
    }
    this.at++;
    return { value, place: keys ? { start, keys } : { start }, end };
  }

  private sequence(start: number, flow: boolean, lineEnd: number): Read {
    const value: unknown[] = [];
    const items: Place[] | undefined = this.withPlaces ? [] : undefined;
    let end = start + 1;
    while (this.events[this.at]!.type !== EVENT_ID.POP) {
      const read = this.node(flow, lineEnd);
      value.push(read.value);
      items?.push(read.place);
      end = read.end;
    }
    this.at++;
    return { value, place: items ? { start, items } : { start }, end };
  }

  private scalar(event: ScalarEvent, inFlow: boolean, lineEnd: number): Read {
    if (!event.fast || event.anchorStart !== -1 || event.tagStart !== -1) throw LEAVE;
    const source = this.text.slice(event.valueStart, event.valueEnd);
    if (event.style === SCALAR_STYLE.PLAIN) {
      if (PLAIN_FIRST.test(source) || (inFlow && source.includes(':'))) throw LEAVE;
      if (lineEnd >= 0 && event.valueEnd > lineEnd) throw LEAVE;
      return { value: resolvePlain(source), place: { start: event.valueStart }, end: event.valueEnd };
    }
    if (event.style !== SCALAR_STYLE.SINGLE_QUOTED && event.style !== SCALAR_STYLE.DOUBLE_QUOTED) throw LEAVE;
    if (lineEnd >= 0 && event.valueEnd + 1 > lineEnd) throw LEAVE;
    return { value: source, place: { start: event.valueStart - 1 }, end: event.valueEnd + 1 };
  }

  /** Offset past the bracket that closes a flow collection, which must follow on the same line with only spaces and commas before it. */
  private closing(after: number, bracket: string, lineEnd: number): number {
    const close = this.text.indexOf(bracket, after);
    if (close === -1 || close >= lineEnd || !/^[ ,]*$/.test(this.text.slice(after, close))) throw LEAVE;
    return close + 1;
  }
}

/** A node's places without its own start, as they hang under the key or item that holds it. */
function children(place: Place): Omit<Place, 'start'> {
  if (place.keys) return { keys: place.keys };
  if (place.items) return { items: place.items };
  return {};
}

/** A plain scalar's value as yaml's composer and `toJS` make it. */
function resolvePlain(source: string): unknown {
  const tag = CORE_TAGS.find((candidate) => candidate.test.test(source));
  if (!tag) return source;
  const resolved: unknown = tag.resolve(source, () => {
    throw LEAVE;
  }, TAG_OPTIONS);
  return isScalar(resolved) ? resolved.value : resolved;
}
