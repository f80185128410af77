import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FileTooLarge, type SourceHost } from '../compiler/3-resolve/source-host.js';
import { MAX_FILE_BYTES } from '../compiler/1-parse/parse-policy.js';
import { packageRoot } from './package-root.js';

/** The compiler's SourceHost on the real file system. */
export function fsHost(cwd: string = process.cwd()): SourceHost {
  return {
    readFile(abs) {
      try {
        const st = statSync(abs);
        if (st.isDirectory()) return new Error('is a directory');
        // Never read an oversized file: its size alone is the diagnostic.
        if (st.size > MAX_FILE_BYTES) return new FileTooLarge(st.size);
        return readFileSync(abs);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return new Error(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
      }
    },
    exists: (abs) => existsSync(abs),
    builtinDir: join(packageRoot(), 'policies'),
    display(abs) {
      const r = relative(cwd, abs);
      return r === '' ? abs : r.startsWith('../../../') ? abs : r;
    },
  };
}
