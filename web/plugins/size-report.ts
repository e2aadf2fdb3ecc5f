// A Vite plugin that prints, after the build, the gzipped size of the JavaScript that the first
// screen loads: the entry chunk and every chunk it imports statically (lazy routes excluded).
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Fails the build when the initial JavaScript is larger than `limitBytes` gzipped. */
export function sizeReport(limitBytes: number): Plugin {
  return {
    name: 'helpdesk-size-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, { code: string; imports: string[]; isEntry: boolean }>();
      for (const [name, out] of Object.entries(bundle)) {
        if (out.type === 'chunk') chunks.set(name, { code: out.code, imports: out.imports, isEntry: out.isEntry });
      }
      const initial = new Set<string>();
      const visit = (name: string) => {
        if (initial.has(name) || !chunks.has(name)) return;
        initial.add(name);
        for (const dep of chunks.get(name)!.imports) visit(dep);
      };
      for (const [name, c] of chunks) if (c.isEntry) visit(name);
      let raw = 0;
      let gz = 0;
      for (const name of initial) {
        const code = chunks.get(name)!.code;
        raw += Buffer.byteLength(code);
        gz += gzipSync(code, { level: 9 }).length;
      }
      const kb = (n: number) => (n / 1024).toFixed(1) + ' KB';
      const line = `initial JavaScript of the first screen: ${kb(gz)} gzipped (${kb(raw)} raw, ${initial.size} chunk(s)); limit ${kb(limitBytes)}`;
      // Printed on stderr too so that it shows in CMake's build log.
      process.stderr.write(line + '\n');
      if (gz > limitBytes) this.error(`initial JavaScript too large: ${line}`);
    },
  };
}
