import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ANNOTATION_PREFIX } from './injection/annotations.js';

/** Sidecar injection mode: native sidecars, regular containers, or chosen by cluster version. */
export const SidecarMode = { Native: 'native', Classic: 'classic', Auto: 'auto' } as const;
export type SidecarMode = (typeof SidecarMode)[keyof typeof SidecarMode];

/** Effective settings of the webhook server, from flags, then env, then defaults. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly templatesDir: string;
  readonly policiesDir?: string;
  readonly annotationPrefix: string;
  readonly sidecarMode: SidecarMode;
  readonly drainSeconds: number;
  readonly logLevel: string;
  readonly selfManagedTls: boolean;
  readonly webhookConfigName: string;
  readonly serviceName: string;
  readonly tlsSecretName: string;
  readonly namespace: string;
}

/** Templates shipped with the package, used when --templates-dir is not given. */
export const SHIPPED_TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../templates');

const options = {
  host: { type: 'string', default: '0.0.0.0' },
  port: { type: 'string', default: '8443' },
  'tls-cert-file': { type: 'string' },
  'tls-key-file': { type: 'string' },
  'tls-min-version': { type: 'string', default: '1.3' },
  'templates-dir': { type: 'string', default: SHIPPED_TEMPLATES_DIR },
  'policies-dir': { type: 'string' },
  'annotation-prefix': { type: 'string', default: DEFAULT_ANNOTATION_PREFIX },
  'sidecar-mode': { type: 'string', default: 'auto' },
  'drain-seconds': { type: 'string', default: '10' },
  'log-level': { type: 'string', default: 'info' },
  'self-managed-tls': { type: 'boolean', default: false },
  'webhook-config-name': { type: 'string', default: 'sidecar-injector' },
  'service-name': { type: 'string', default: 'sidecar-injector' },
  'tls-secret-name': { type: 'string', default: 'sidecar-injector-tls' },
  namespace: { type: 'string', default: 'sidecar-injector' },
  help: { type: 'boolean', default: false },
} as const;

/** Usage text printed by --help. */
export const USAGE = `Usage: sidecar-injector [serve] [flags]

Serves the mutating admission webhook over HTTPS. Every flag can also be set
through an env var: --tls-cert-file is SIDECAR_INJECTOR_TLS_CERT_FILE.
The offline commands (inject, explain, report) are listed by
\`sidecar-injector help\`.

  --host ADDRESS             address to listen on (default 0.0.0.0)
  --port N                   HTTPS port (default 8443)
  --tls-cert-file FILE       PEM serving certificate; reloaded when it changes
  --tls-key-file FILE        PEM private key; without both files a self-signed
                             certificate for localhost is generated at start
  --tls-min-version 1.2|1.3  lowest TLS version accepted (default 1.3)
  --templates-dir DIR        template files (default: the shipped templates)
  --policies-dir DIR         policy files for namespace-wide injection rules
  --annotation-prefix NAME   annotation prefix (default sidecar-injector.io)
  --sidecar-mode MODE        native, classic or auto (default auto: native when
                             the API server is Kubernetes 1.29 or later)
  --drain-seconds N          seconds to keep serving after SIGTERM (default 10)
  --log-level LEVEL          pino level: debug, info, warn, error (default info)
  --self-managed-tls         create and rotate the CA and serving certificate,
                             and patch the webhook configuration's caBundle
  --webhook-config-name NAME MutatingWebhookConfiguration to patch
  --service-name NAME        Service in front of the webhook, for the certificate
  --tls-secret-name NAME     Secret that stores the self-managed CA and certificate
  --namespace NAME           namespace of the injector (also read from POD_NAMESPACE)
`;

/** Raised for a flag or env var with an invalid value; the message names both. */
export class ConfigError extends Error {
  readonly code = 'ConfigError';
}

function envName(flag: string): string {
  return `SIDECAR_INJECTOR_${flag.toUpperCase().replaceAll('-', '_')}`;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`--${flag} is "${value}"; expected an integer from ${min} to ${max}`);
  }
  return parsed;
}

/**
 * Checks the annotation prefix: the part of an annotation key before "/" must
 * be a DNS subdomain of at most 253 characters, or the API server rejects the
 * status annotation the injector writes.
 */
function annotationPrefix(prefix: string): string {
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (prefix.length > 253 || !subdomain.test(prefix)) {
    throw new ConfigError(`--annotation-prefix is "${prefix}"; expected a DNS subdomain such as sidecar-injector.example.com`);
  }
  return prefix;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`--${flag} is "${value}"; expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * Builds the server configuration from command-line flags, then
 * SIDECAR_INJECTOR_* env vars, then defaults. Throws ConfigError on bad values.
 */
export function parseServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const given = parsed.values as Record<string, string | boolean | undefined>;
  const value = (flag: keyof typeof options, fallbackEnv?: string): string | undefined => {
    const explicit = argv.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
    const fromEnv = env[envName(flag)] || (fallbackEnv !== undefined ? env[fallbackEnv] : undefined);
    if (!explicit && fromEnv !== undefined && fromEnv !== '') {
      return fromEnv;
    }
    const result = given[flag];
    return result === undefined ? undefined : String(result);
  };
  const flag = (name: keyof typeof options) => value(name) === 'true';
  const tlsCertFile = value('tls-cert-file');
  const tlsKeyFile = value('tls-key-file');
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    throw new ConfigError('--tls-cert-file and --tls-key-file must be given together');
  }
  const policiesDir = value('policies-dir');

  return {
    help: flag('help'),
    host: value('host')!,
    port: integer('port', value('port')!, 0, 65535),
    ...(tlsCertFile !== undefined ? { tlsCertFile } : {}),
    ...(tlsKeyFile !== undefined ? { tlsKeyFile } : {}),
    tlsMinVersion: oneOf('tls-min-version', value('tls-min-version')!, ['1.2', '1.3']) === '1.2' ? 'TLSv1.2' : 'TLSv1.3',
    templatesDir: path.resolve(value('templates-dir')!),
    ...(policiesDir !== undefined ? { policiesDir: path.resolve(policiesDir) } : {}),
    annotationPrefix: annotationPrefix(value('annotation-prefix')!),
    sidecarMode: oneOf('sidecar-mode', value('sidecar-mode')!, Object.values(SidecarMode)),
    drainSeconds: integer('drain-seconds', value('drain-seconds')!, 0, 3600),
    logLevel: oneOf('log-level', value('log-level')!, ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    selfManagedTls: flag('self-managed-tls'),
    webhookConfigName: value('webhook-config-name')!,
    serviceName: value('service-name')!,
    tlsSecretName: value('tls-secret-name')!,
    namespace: value('namespace', 'POD_NAMESPACE')!,
  };
}
