/**
 * The compiler's only window on the outside world: reading policy files. Everything else
 * in compiler/ is pure. The CLI passes a host backed by the file system; tests pass one
 * backed by a Map.
 */
export interface SourceHost {
  /** Bytes of an absolute path, or an Error whose message says why not. */
  readFile(absPath: string): Uint8Array | Error;
  /** Whether an absolute path exists (used for warnings only, never for decisions). */
  exists(absPath: string): boolean;
  /** Directory holding the built-in profiles (agent.yaml, strict.yaml, build.yaml, none.yaml). */
  builtinDir: string;
  /** How to show an absolute path to the user (e.g. relative to the working directory). */
  display(absPath: string): string;
}

export const BUILTIN_PROFILES = ['agent', 'strict', 'build', 'none'] as const;
export type BuiltinProfile = (typeof BUILTIN_PROFILES)[number];

export function isBuiltin(name: string): name is BuiltinProfile {
  return (BUILTIN_PROFILES as readonly string[]).includes(name);
}

/** Returned by SourceHost.readFile for a file over the size limit, without reading it. */
export class FileTooLarge extends Error {
  constructor(readonly size: number) {
    super(`file is ${size} bytes`);
  }
}
