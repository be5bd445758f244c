import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { InjectionContext } from '../admission/inject-pod.js';
import { SHIPPED_TEMPLATES_DIR } from '../config.js';
import { explainPod } from '../explain.js';
import { annotationKeys, DEFAULT_ANNOTATION_PREFIX } from '../injection/annotations.js';
import { loadPolicies } from '../policy/load.js';
import { loadTemplates } from '../templates/load.js';
import { FileLoadError } from '../yaml-file.js';
import { injectManifests, readInput } from './inject-command.js';
import { findPods } from './pod-templates.js';
import { parseAllDocuments } from 'yaml';

const USAGE = `Usage: sidecar-injector <command> [flags]

Commands:
  serve                 run the admission webhook (the default; see serve --help)
  inject -f FILE        print FILE with every Pod and pod template injected
                        as the webhook would inject it; -f - reads stdin
  explain -f FILE       show, for every Pod and pod template in FILE, which
                        rules and templates apply, where each parameter value
                        comes from, and the patch
  report                list running Pods with stale or missing injections
                        (reads the cluster of the current kubeconfig context)

Flags of report: --templates-dir, --policies-dir, --annotation-prefix as below,
  -l, --label-selector SELECTOR and -o, --output table|json.

Flags of inject and explain:
  -f, --filename FILE        manifest file, or - for stdin (repeatable)
  --templates-dir DIR        template files (default: the shipped templates)
  --policies-dir DIR         policy files (default: none)
  --namespace NAME           namespace of objects that name none (default "default")
  --namespace-labels K=V,... labels of that namespace, for policy rules
  --annotation-prefix NAME   annotation prefix (default sidecar-injector.io)
  --sidecar-mode MODE        native (default) or classic; native sidecars need
                             Kubernetes 1.29 or later
  -o, --output FORMAT        explain only: yaml (default) or json
`;

/** Raised for a command-line mistake; the CLI prints it with the usage and exits 2. */
class UsageError extends Error {
  readonly code = 'UsageError';
}

const options = {
  filename: { type: 'string', short: 'f', multiple: true },
  'templates-dir': { type: 'string', default: SHIPPED_TEMPLATES_DIR },
  'policies-dir': { type: 'string' },
  namespace: { type: 'string', default: 'default' },
  'namespace-labels': { type: 'string', default: '' },
  'annotation-prefix': { type: 'string', default: DEFAULT_ANNOTATION_PREFIX },
  'sidecar-mode': { type: 'string', default: 'native' },
  output: { type: 'string', short: 'o', default: 'yaml' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',').filter((part) => part.trim() !== '')) {
    const [key, value, extra] = pair.split('=');
    if (!key || value === undefined || extra !== undefined) {
      throw new UsageError(`--namespace-labels has "${pair}"; expected key=value pairs separated by commas`);
    }
    labels[key.trim()] = value.trim();
  }
  return labels;
}

/** Loads what inject and explain share: templates, policies, and the namespace. */
async function buildContext(flags: Flags): Promise<InjectionContext> {
  const mode = flags['sidecar-mode'];
  if (mode !== 'native' && mode !== 'classic') {
    throw new UsageError(`--sidecar-mode is "${mode}"; expected native or classic`);
  }
  const templates = await loadTemplates(flags['templates-dir']);
  const policiesDir = flags['policies-dir'];
  const policy = policiesDir === undefined ? undefined : await loadPolicies(policiesDir, templates);
  const labels = parseLabels(flags['namespace-labels']);
  return {
    templates,
    keys: annotationKeys(flags['annotation-prefix']),
    nativeSidecars: mode === 'native',
    ...(policy ? { policy } : {}),
    namespaceLabels: (namespace) => (namespace === flags.namespace ? labels : undefined),
  };
}

function requireFiles(flags: Flags): string[] {
  const files = flags.filename ?? [];
  if (files.length === 0) {
    throw new UsageError('missing -f FILE (use -f - for stdin)');
  }
  return files;
}

async function runInject(flags: Flags): Promise<number> {
  const files = requireFiles(flags);
  const context = await buildContext(flags);
  let output = '';
  let failed = false;
  for (const file of files) {
    const result = injectManifests(await readInput(file), context, file === '-' ? 'stdin' : file, flags.namespace);
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

async function runExplain(flags: Flags): Promise<number> {
  const files = requireFiles(flags);
  if (flags.output !== 'yaml' && flags.output !== 'json') {
    throw new UsageError(`--output is "${flags.output}"; expected yaml or json`);
  }
  const context = await buildContext(flags);
  const explanations = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readInput(file))) {
      const object = doc.toJS() as { metadata?: { namespace?: string } } | null;
      for (const location of findPods(object)) {
        const namespace = object?.metadata?.namespace ?? flags.namespace;
        explanations.push({ object: location.owner, ...explainPod(location.pod, namespace, context) });
      }
    }
  }
  process.stdout.write(flags.output === 'json' ? `${JSON.stringify(explanations, null, 2)}\n` : stringify(explanations, { lineWidth: 0 }));
  return explanations.some((explanation) => explanation.decision === 'denied') ? 1 : 0;
}

const commands: Record<string, (flags: Flags) => Promise<number>> = { inject: runInject, explain: runExplain };

/** Dispatches a command line to the right command; returns the exit code, or `serve`. */
export async function runCli(argv: readonly string[]): Promise<number | 'serve'> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'serve' || command.startsWith('--')) {
    return 'serve';
  }
  if (command === 'help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const run = commands[command];
  if (!run && command !== 'report') {
    process.stderr.write(`sidecar-injector: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (!run) {
      const { runReport } = await import('./report-command.js');
      return await runReport(rest);
    }
    return await run(parseArgs({ args: [...rest], options, strict: true }).values);
  } catch (error) {
    if (error instanceof FileLoadError) {
      process.stderr.write(`sidecar-injector ${command}: invalid files:\n${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof UsageError || code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES' || code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`sidecar-injector ${command}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}
