/**
 * YAML text → plain data plus a map from every value's JSON pointer to where it was
 * written. Converting the AST ourselves (instead of `doc.toJS()`) gives each value a
 * position that ajv's instancePath can be looked up in, bounds alias expansion, and
 * turns alias cycles and odd keys into problems rather than exceptions.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { childDisplay, childPointer, Problems, type Located, type Position } from './problems.js';

export interface ParsedSource {
  /** The document as plain data; undefined when the YAML itself is broken. */
  readonly data: unknown;
  /** Empty document (no content, or comments only). */
  readonly empty: boolean;
  readonly sourceMap: Map<string, Located>;
  /** Position of the document's content (for problems with the whole document). */
  readonly start: Position;
}

/** Aliases can make a small file expand enormously ("billion laughs"); stop well before. */
const MAX_VALUES = 200_000;

export interface ParseHooks {
  /** Called for every string scalar; returns the value to use (for `${ENV}` in connection). */
  string?(value: string, pointer: string, problems: Problems): string;
}

class TooLarge extends Error {}

/** YAML parse errors as problems; returns undefined data when there were any. */
export function parseYamlSource(text: string, hooks: ParseHooks = {}): { parsed: ParsedSource; problems: Problems } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: Math.max(1, p.line), col: Math.max(1, p.col) };
  };
  const sourceMap = new Map<string, Located>();
  const problems = new Problems(sourceMap);
  const contents = doc.contents as Node | null;
  const start = contents?.range ? pos(contents.range[0]) : { line: 1, col: 1 };

  if (doc.errors.length > 0) {
    for (const err of doc.errors) problems.add(pos(err.pos[0]), yamlErrorMessage(err.code, err.message, text, err.pos));
    return { parsed: { data: undefined, empty: false, sourceMap, start }, problems };
  }
  if (contents === null) return { parsed: { data: undefined, empty: true, sourceMap, start }, problems };

  let produced = 0;
  const stack = new Set<Node>();

  const convert = (node: unknown, pointer: string, display: string, key: Position | undefined): unknown => {
    if (++produced > MAX_VALUES) throw new TooLarge();
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const here = range ? pos(range[0]) : key ?? start;

    let target = node;
    if (isAlias(node)) {
      target = node.resolve(doc as Document.Parsed) as Node | undefined;
      if (target === undefined) {
        sourceMap.set(pointer, { display, value: here, key });
        problems.at(pointer, `unknown alias *${node.source}`);
        return null;
      }
    }
    // Reachable through an alias or a merge key: a value that contains itself.
    if (stack.has(target as Node)) {
      sourceMap.set(pointer, { display, value: here, key });
      const what = isAlias(node) ? `alias *${node.source}` : 'merge key <<';
      problems.at(pointer, `${what} refers to a value that contains it`);
      return null;
    }
    // The path is placed at the alias (where it was written); the values inside keep the anchor's places.
    return withStack(target, () => convertResolved(target, pointer, display, key, here));
  };

  /**
   * A mapping's pairs with `<<: *anchor` merge keys (YAML 1.1, still common for sharing
   * settings) expanded: its own pairs first, then those of the merged mappings in order.
   */
  const effectivePairs = (map: YAMLMap, merging: Set<YAMLMap>, display: string): Pair[] => {
    const prefix = display === '' ? '' : `${display}: `;
    const own: Pair[] = [];
    const merged: Pair[] = [];
    merging.add(map);
    for (const pair of map.items) {
      const k = pair.key as Node | null;
      if (!(isScalar(k) && k.value === '<<' && k.type === 'PLAIN')) {
        own.push(pair);
        continue;
      }
      const v = pair.value as Node | null;
      const sources = isSeq(v) ? (v.items as Node[]) : [v];
      for (const item of sources) {
        const target = isAlias(item) ? (item.resolve(doc as Document.Parsed) as Node | undefined) : item;
        const at = (item as { range?: [number, number, number] } | null)?.range;
        if (!isMap(target)) {
          problems.add(at ? pos(at[0]) : start, `${prefix}expected a mapping (or a list of them) to merge after <<`);
        } else if (merging.has(target)) {
          problems.add(at ? pos(at[0]) : start, `${prefix}<< refers to a mapping that contains it`);
        } else {
          merged.push(...effectivePairs(target, merging, display));
        }
      }
    }
    merging.delete(map);
    return [...own, ...merged];
  };

  const withStack = <T>(node: unknown, fn: () => T): T => {
    const n = node as Node;
    stack.add(n);
    try {
      return fn();
    } finally {
      stack.delete(n);
    }
  };

  const convertResolved = (node: unknown, pointer: string, display: string, key: Position | undefined, here: Position): unknown => {
    if (isMap(node)) {
      sourceMap.set(pointer, { display, value: here, key });
      const out: Record<string, unknown> = {};
      for (const pair of effectivePairs(node, new Set(), display)) {
        const k = pair.key as Node | null;
        const keyPos = (k as { range?: [number, number, number] } | null)?.range ? pos(k!.range![0]) : here;
        let name: string;
        if (k === null) name = '';
        else if (isScalar(k)) name = String(k.value ?? '');
        else {
          problems.add(keyPos, `${display === '' ? '' : `${display}: `}expected a plain key, got ${isSeq(k) ? 'a list' : 'a mapping'}`);
          continue;
        }
        // Explicit keys come first and win over merged ones; earlier merge sources win over later.
        if (Object.hasOwn(out, name)) continue;
        const childPtr = childPointer(pointer, name);
        const childDisp = childDisplay(display, name);
        const v = pair.value as Node | null;
        // defineProperty: a key named __proto__ must become a plain (unknown) key, not a prototype.
        const set = (value: unknown): void => {
          Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
        };
        if (v === null || (isScalar(v) && v.value === null && v.range && v.range[0] === v.range[1])) {
          // `key:` with nothing after it: point at the key, there is no value to point at.
          sourceMap.set(childPtr, { display: childDisp, value: keyPos, key: keyPos, source: '' });
          set(null);
          continue;
        }
        set(convert(v, childPtr, childDisp, keyPos));
      }
      return out;
    }
    if (isSeq(node)) {
      sourceMap.set(pointer, { display, value: here, key });
      return node.items.map((item, i) => convert(item, childPointer(pointer, i), childDisplay(display, i), undefined));
    }
    if (isScalar(node)) {
      const raw = node.value;
      let value: unknown;
      let source: string | undefined;
      if (typeof raw === 'string') value = raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean' || raw === null) value = raw;
      else if (typeof raw === 'bigint') value = Number(raw);
      // Tagged oddities (!!binary, …) are no metadata value; keep their text so a message can quote it.
      else value = node.source ?? String(raw);
      if (typeof value !== 'string' && node.range) source = text.slice(node.range[0], node.range[1]).trim();
      sourceMap.set(pointer, { display, value: here, key, source });
      if (typeof value === 'string' && hooks.string) value = hooks.string(value, pointer, problems);
      return value;
    }
    sourceMap.set(pointer, { display, value: here, key });
    return null;
  };

  try {
    const data = convert(contents, '', '', undefined);
    return { parsed: { data, empty: false, sourceMap, start }, problems };
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    problems.add(start, `aliases expand to more than ${MAX_VALUES} values`);
    return { parsed: { data: undefined, empty: false, sourceMap, start }, problems };
  }
}

function yamlErrorMessage(code: string, message: string, text: string, range: [number, number]): string {
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = /^[^\n:]*/.exec(text.slice(range[0]))?.[0].trim() ?? '';
      return `duplicate key${key === '' ? '' : ` ${JSON.stringify(key.replace(/^["']|["']$/g, ''))}`} in a mapping`;
    }
    case 'MULTIPLE_DOCS':
      return 'expected one YAML document, got several (a second --- starts another)';
    default:
      return `invalid YAML: ${message.replace(/\.$/, '')}`;
  }
}
