/**
 * The folders of src/ form layers: no folder imports another that (directly or round a
 * loop) imports it back. A cycle makes every change on it a change to all of it, and breaks
 * module initialisation order in subtle ways. Files directly under src/ (errors.ts,
 * spellbook.ts, index.ts) count one by one; sub-folders (db/sqlite) count as their folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer of a file: its top folder under src/, or its own name when it sits in src/. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

/** Relative imports and re-exports, type-only ones included: a type cycle is still a cycle in the design. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/g)) {
    found.push(resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')));
  }
  return found;
}

function layerGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(SRC, file)} → ${relative(SRC, target)}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every cycle's first edge found by a depth-first search, as readable "a → b" import lines. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (layer: string): void => {
    state.set(layer, 'open');
    path.push(layer);
    for (const next of graph.get(layer)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next];
        found.push(loop.slice(1).map((to, i) => graph.get(loop[i]!)!.get(to)!));
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(layer, 'done');
  };
  for (const layer of [...graph.keys()].sort()) if (!state.has(layer)) visit(layer);
  return found;
}

describe('src/ layers', () => {
  it('finds the import lines of this codebase (the scan is not blind)', () => {
    const graph = layerGraph();
    expect(graph.get('pit')?.has('core')).toBe(true);
    expect(graph.get('spellbook')?.has('plan')).toBe(true);
  });

  it('sees a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Map([['b', 'a.ts → b.ts']])],
      ['b', new Map([['c', 'b.ts → c.ts']])],
      ['c', new Map([['a', 'c.ts → a.ts']])],
    ]);
    expect(cycles(graph)).toEqual([['a.ts → b.ts', 'b.ts → c.ts', 'c.ts → a.ts']]);
  });

  it('has no import cycle between folders', () => {
    expect(cycles(layerGraph())).toEqual([]);
  });

  it('keeps core/ at the bottom: it imports only metadata types and the error values, which import nothing', () => {
    const graph = layerGraph();
    expect([...(graph.get('core')?.keys() ?? [])].sort()).toEqual(['errors', 'metadata']);
    expect([...(graph.get('errors')?.keys() ?? [])]).toEqual([]);
  });

  it('keeps metadata/ engine-neutral: it imports no engine code, what a client or URL means is for src/db/registry.ts to say', () => {
    const graph = layerGraph();
    expect([...(graph.get('metadata')?.keys() ?? [])].sort()).toEqual(['errors', 'time']);
  });
});
