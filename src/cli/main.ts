import { parseArgs } from 'node:util';
import { annotationKeys, DEFAULT_ANNOTATION_PREFIX } from '../injection/annotations.js';
import { SHIPPED_TEMPLATES_DIR } from '../config.js';
import { loadTemplates, TemplateLoadError } from '../templates/load.js';
import { injectManifests, readInput } from './inject-command.js';

const USAGE = `Usage: sidecar-injector <command> [flags]

Commands:
  serve                 run the admission webhook (the default; see serve --help)
  inject -f FILE        print FILE with every Pod and pod template injected
                        as the webhook would inject it; -f - reads stdin

Flags of inject:
  -f, --filename FILE        manifest file, or - for stdin (repeatable)
  --templates-dir DIR        template files (default: the shipped templates)
  --annotation-prefix NAME   annotation prefix (default sidecar-injector.io)
  --sidecar-mode MODE        native (default) or classic; native sidecars need
                             Kubernetes 1.29 or later
`;

/** Runs the inject command and returns the process exit code. */
async function runInject(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      'templates-dir': { type: 'string', default: SHIPPED_TEMPLATES_DIR },
      'annotation-prefix': { type: 'string', default: DEFAULT_ANNOTATION_PREFIX },
      'sidecar-mode': { type: 'string', default: 'native' },
    },
    strict: true,
  });
  const files = values.filename ?? [];
  if (files.length === 0) {
    process.stderr.write(`sidecar-injector inject: missing -f FILE (use -f - for stdin)\n\n${USAGE}`);
    return 2;
  }
  const mode = values['sidecar-mode'];
  if (mode !== 'native' && mode !== 'classic') {
    process.stderr.write(`sidecar-injector inject: --sidecar-mode is "${mode}"; expected native or classic\n`);
    return 2;
  }

  const templates = await loadTemplates(values['templates-dir']);
  const context = { templates, keys: annotationKeys(values['annotation-prefix']), nativeSidecars: mode === 'native' };
  let output = '';
  let failed = false;
  for (const file of files) {
    const result = injectManifests(await readInput(file), context, file === '-' ? 'stdin' : file);
    result.warnings.forEach((warning) => process.stderr.write(`warning: ${warning}\n`));
    result.errors.forEach((error) => process.stderr.write(`denied: ${error}\n`));
    failed ||= result.errors.length > 0;
    output += result.output;
  }
  if (failed) {
    return 1;
  }
  process.stdout.write(output);
  return 0;
}

/** Dispatches a command line to the right command; returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number | 'serve'> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'serve' || command.startsWith('--')) {
    return 'serve';
  }
  if (command === 'help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (command === 'inject') {
      return await runInject(rest);
    }
  } catch (error) {
    if (error instanceof TemplateLoadError) {
      process.stderr.write(`sidecar-injector: invalid templates:\n${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`sidecar-injector ${command}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  process.stderr.write(`sidecar-injector: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}
