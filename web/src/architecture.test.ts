// The layout rules of STYLE.md's web section, checked on the source: features never import each
// other, lib and components never import features or app, and nothing loads from a CDN.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.dirname(new URL(import.meta.url).pathname);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(n) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** The folder an import lands in, relative to src ("features/queue/...", "lib/..."). */
function target(file: string, spec: string): string | null {
  if (spec.startsWith('@/')) return spec.slice(2);
  if (spec.startsWith('.')) return path.relative(src, path.resolve(path.dirname(file), spec));
  return null;
}

describe('layout', () => {
  const all = files(src).filter((f) => !f.endsWith('architecture.test.ts'));

  it('features never import another feature', () => {
    const bad: string[] = [];
    for (const f of all) {
      const rel = path.relative(src, f);
      const m = /^features\/([^/]+)\//.exec(rel);
      if (!m) continue;
      for (const spec of imports(f)) {
        const t = target(f, spec);
        const other = t && /^features\/([^/]+)/.exec(t);
        if (other && other[1] !== m[1]) bad.push(`${rel} imports ${spec}`);
        if (t && t.startsWith('app/')) bad.push(`${rel} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('shared code (lib, components) imports no feature and not the app', () => {
    const bad: string[] = [];
    for (const f of all) {
      const rel = path.relative(src, f);
      if (!/^(lib|components)\//.test(rel)) continue;
      for (const spec of imports(f)) {
        const t = target(f, spec);
        if (t && /^(features|app)\//.test(t)) bad.push(`${rel} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('loads nothing from another origin (no CDN, no web fonts)', () => {
    const texts = [...all, path.join(src, 'app/styles.css'), path.join(src, '../index.html')].map((f) => [f, readFileSync(f, 'utf8')] as const);
    const bad = texts.filter(([, t]) => /(?:src|href)=["']https?:|@import\s+url\(|url\(\s*['"]?https?:|@font-face/.test(t)).map(([f]) => f);
    expect(bad).toEqual([]);
  });
});
