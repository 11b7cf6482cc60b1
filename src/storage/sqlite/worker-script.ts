// Where the worker threads' code is (the writer, the checkpointer, the readers), and how to start them.
//
// Compiled (dist/…/worker-script.js): the worker is the compiled sqlite-worker.js next to
// this file, started as is.
//
// From TypeScript source (vitest, which transforms our modules in-process but not the
// modules a worker thread loads itself): the worker is sqlite-worker.ts, started with a
// small module hook that transpiles .ts with the `typescript` package already in our dev
// dependencies and maps the `./x.js` imports of a .ts file to `./x.ts`. Tests therefore
// always run the current source, never a stale dist/.
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WorkerScript {
  readonly url: URL;
  /** Node options for the worker; undefined inherits the process's own. */
  readonly execArgv: string[] | undefined;
}

/** One of the worker modules next to this file: the writer, the checkpointer or a reader. */
export function sqliteWorkerScript(
  name: 'sqlite-worker' | 'checkpoint-worker' | 'reader-worker' = 'sqlite-worker',
): WorkerScript {
  if (!import.meta.url.endsWith('.ts')) {
    return { url: new URL(`./${name}.js`, import.meta.url), execArgv: undefined };
  }
  return { url: new URL(`./${name}.ts`, import.meta.url), execArgv: ['--import', typescriptHookRegistration()] };
}

function typescriptHookRegistration(): string {
  const typescript = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;
  const cacheDir = join(tmpdir(), 'dtuhub-worker-ts-cache');
  // Transpiled output is cached by content hash: loading and warming up the compiler costs
  // most of a second, paid again by every worker a test starts.
  const hooks = `
    import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
    import { existsSync } from 'node:fs';
    import { createHash } from 'node:crypto';
    import { join } from 'node:path';
    import { fileURLToPath } from 'node:url';
    const cacheDir = ${JSON.stringify(cacheDir)};
    let ts = null;
    export async function resolve(specifier, context, next) {
      const parent = context.parentURL;
      if (parent && parent.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
        const candidate = new URL(specifier.slice(0, -3) + '.ts', parent);
        if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
      }
      return next(specifier, context);
    }
    export async function load(url, context, next) {
      if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
      const fileName = fileURLToPath(url);
      const input = await readFile(fileName, 'utf8');
      const cached = join(cacheDir, createHash('sha1').update(fileName + '\\0' + input).digest('hex') + '.js');
      const hit = await readFile(cached, 'utf8').catch(() => null);
      if (hit !== null) return { format: 'module', source: hit, shortCircuit: true };
      ts ??= (await import(${JSON.stringify(typescript)})).default;
      const output = ts.transpileModule(input, {
        fileName,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
      }).outputText;
      await mkdir(cacheDir, { recursive: true });
      const temporary = cached + '.' + process.pid + '.' + Math.random().toString(36).slice(2);
      await writeFile(temporary, output);
      await rename(temporary, cached);
      return { format: 'module', source: output, shortCircuit: true };
    }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(dataUrl(hooks))});`;
  return dataUrl(register);
}

function dataUrl(source: string): string {
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
