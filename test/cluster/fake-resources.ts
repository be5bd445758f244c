import type { ServerResponse } from 'node:http';
import fastJsonPatch from 'fast-json-patch';
import { sendJson, sendStatus, type ResourceVersionClock } from './fake-status.js';

/** A JSON object as stored by the fake API server. */
export type StoredObject = Record<string, any>;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Secrets, MutatingWebhookConfigurations and Pods of the fake API server,
 * with the create, update and patch rules of kube-apiserver that the cluster
 * module relies on.
 */
export class FakeResources {
  readonly secrets = new Map<string, StoredObject>();
  readonly webhookConfigurations = new Map<string, StoredObject>();
  readonly pods: StoredObject[] = [];

  constructor(private readonly clock: ResourceVersionClock) {}

  /** Stores a MutatingWebhookConfiguration as given, with a new resourceVersion. */
  putWebhookConfiguration(object: StoredObject): void {
    const copy = structuredClone(object);
    copy.metadata = { ...copy.metadata, resourceVersion: this.clock.next() };
    this.webhookConfigurations.set(copy.metadata.name, copy);
  }

  /** Stores a Secret as given, with a new resourceVersion, and returns that version. */
  putSecret(object: StoredObject): string {
    const copy = structuredClone(object);
    copy.metadata = { ...copy.metadata, resourceVersion: this.clock.next() };
    this.secrets.set(`${copy.metadata.namespace}/${copy.metadata.name}`, copy);
    return copy.metadata.resourceVersion;
  }

  getWebhookConfiguration(response: ServerResponse, name: string): void {
    const object = this.webhookConfigurations.get(name);
    if (object === undefined) {
      sendStatus(response, 404, `mutatingwebhookconfigurations.admissionregistration.k8s.io "${name}" not found`);
      return;
    }
    sendJson(response, 200, object);
  }

  /** Applies an RFC 6902 JSON patch, which the API server accepts only with its media type. */
  patchWebhookConfiguration(response: ServerResponse, name: string, contentType: string | undefined, body: unknown): void {
    const object = this.webhookConfigurations.get(name);
    if (object === undefined) {
      sendStatus(response, 404, `mutatingwebhookconfigurations.admissionregistration.k8s.io "${name}" not found`);
      return;
    }
    if (contentType !== 'application/json-patch+json') {
      sendStatus(response, 415, `the body of the request was in an unknown format: ${contentType}`);
      return;
    }
    let patched: StoredObject;
    try {
      patched = fastJsonPatch.applyPatch(structuredClone(object), body as fastJsonPatch.Operation[], true).newDocument;
    } catch (error) {
      sendStatus(response, 422, `the JSON patch could not be applied: ${(error as Error).message}`);
      return;
    }
    for (const webhook of patched.webhooks ?? []) {
      const caBundle = webhook.clientConfig?.caBundle;
      if (caBundle !== undefined && (typeof caBundle !== 'string' || !BASE64.test(caBundle))) {
        sendStatus(response, 422, `webhooks.clientConfig.caBundle: illegal base64 data in "${String(caBundle).slice(0, 20)}"`);
        return;
      }
    }
    patched.metadata.resourceVersion = this.clock.next();
    this.webhookConfigurations.set(name, patched);
    sendJson(response, 200, patched);
  }

  getSecret(response: ServerResponse, namespace: string, name: string): void {
    const secret = this.secrets.get(`${namespace}/${name}`);
    if (secret === undefined) {
      sendStatus(response, 404, `secrets "${name}" not found`);
      return;
    }
    sendJson(response, 200, secret);
  }

  createSecret(response: ServerResponse, namespace: string, body: StoredObject): void {
    const name = body?.metadata?.name;
    if (typeof name !== 'string' || name === '') {
      sendStatus(response, 422, 'Secret "" is invalid: metadata.name: Required value');
      return;
    }
    if (body.metadata.resourceVersion !== undefined) {
      sendStatus(response, 500, 'resourceVersion should not be set on objects to be created', 'InternalError');
      return;
    }
    if (this.secrets.has(`${namespace}/${name}`)) {
      sendStatus(response, 409, `secrets "${name}" already exists`, 'AlreadyExists');
      return;
    }
    this.putSecret({ ...body, type: body.type ?? 'Opaque', metadata: { ...body.metadata, namespace } });
    sendJson(response, 201, this.secrets.get(`${namespace}/${name}`));
  }

  /** Replaces a Secret. A resourceVersion in the body must equal the stored one. */
  replaceSecret(response: ServerResponse, namespace: string, name: string, body: StoredObject): void {
    const stored = this.secrets.get(`${namespace}/${name}`);
    if (stored === undefined) {
      sendStatus(response, 404, `secrets "${name}" not found`);
      return;
    }
    if (body?.metadata?.name !== name) {
      sendStatus(response, 400, `the name of the object (${body?.metadata?.name}) does not match the name on the URL (${name})`);
      return;
    }
    const expected = body.metadata.resourceVersion;
    if (expected !== undefined && expected !== stored.metadata.resourceVersion) {
      const message = `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`;
      sendStatus(response, 409, message, 'Conflict');
      return;
    }
    this.putSecret({ ...body, type: body.type ?? stored.type, metadata: { ...body.metadata, namespace } });
    sendJson(response, 200, this.secrets.get(`${namespace}/${name}`));
  }

  /**
   * Lists Pods matching an equality-based label selector (`a=b`, `a!=b`, `a`,
   * `!a`, comma-joined), in pages of `limit` items. The `continue` token is
   * the offset of the next page.
   */
  listPods(response: ServerResponse, query: URLSearchParams): void {
    const selected = this.pods.filter((pod) => matchesSelector(pod.metadata?.labels ?? {}, query.get('labelSelector') ?? ''));
    const offset = Number(query.get('continue') ?? '0');
    const limit = Number(query.get('limit') ?? '0') || selected.length;
    const items = selected.slice(offset, offset + limit);
    const metadata: Record<string, string> = { resourceVersion: String(this.clock.current) };
    if (offset + limit < selected.length) {
      metadata.continue = String(offset + limit);
    }
    sendJson(response, 200, { kind: 'PodList', apiVersion: 'v1', metadata, items });
  }
}

function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .every((term) => {
      const notEqual = /^([^!=]+)!=(.*)$/.exec(term);
      if (notEqual) {
        return labels[notEqual[1]!] !== notEqual[2];
      }
      const equal = /^([^!=]+)==?(.*)$/.exec(term);
      if (equal) {
        return labels[equal[1]!] === equal[2];
      }
      return term.startsWith('!') ? !(term.slice(1) in labels) : term in labels;
    });
}
