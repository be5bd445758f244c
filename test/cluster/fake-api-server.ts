import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeNamespaces } from './fake-namespaces.js';
import { FakeResources, type StoredObject } from './fake-resources.js';
import { ResourceVersionClock, sendJson, sendStatus } from './fake-status.js';

/** One request as the fake API server received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A scripted failure: the next `times` matching requests get `status`. */
export interface Fault {
  readonly method: string;
  readonly path: string;
  /** Whether to match only watch requests (true) or only other requests (false). Absent matches both. */
  readonly watch?: boolean;
  readonly status: number;
  times: number;
}

const WEBHOOKS = /^\/apis\/admissionregistration\.k8s\.io\/v1\/mutatingwebhookconfigurations\/([^/]+)$/;
const SECRETS = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/;

/**
 * An HTTP server on 127.0.0.1 that serves the Kubernetes API paths the
 * cluster module calls, with the real JSON shapes: /version, namespaces (list
 * and watch), mutatingwebhookconfigurations (get, JSON patch), secrets (get,
 * create, replace) and pods (list). Tests script namespace events, expiry,
 * dropped watches, outages and failures, and read `requests` to check which
 * calls were made.
 */
export class FakeApiServer {
  readonly clock = new ResourceVersionClock();
  readonly namespaces = new FakeNamespaces(this.clock);
  readonly resources = new FakeResources(this.clock);
  readonly requests: RecordedRequest[] = [];
  version = { major: '1', minor: '29', gitVersion: 'v1.29.4', platform: 'linux/amd64' } as Record<string, string>;
  private readonly faults: Fault[] = [];
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((request, response) => void this.receive(request, response));
  }

  /** Starts a fake API server on an ephemeral port of 127.0.0.1. */
  static async start(): Promise<FakeApiServer> {
    const fake = new FakeApiServer();
    await fake.listen(0);
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** Base URL, such as http://127.0.0.1:40123. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests with this method and path, in arrival order. */
  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** Makes the next `times` requests that match fail with a Status of `status`. */
  fail(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Stops listening and cuts every connection, as an API server that went away. */
  async goAway(): Promise<void> {
    this.namespaces.dropWatches();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port after goAway(). */
  async comeBack(): Promise<void> {
    await this.listen(this.port);
  }

  /** Stops the server for good. */
  async close(): Promise<void> {
    if (this.server.listening) {
      await this.goAway();
    }
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      sendStatus(response, 400, `request body is not JSON: ${text.slice(0, 40)}`);
      return;
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers['content-type'],
      body,
    };
    this.requests.push(recorded);
    if (!this.injectFault(recorded, response)) {
      this.route(recorded, request, response, url.searchParams);
    }
  }

  private injectFault(request: RecordedRequest, response: ServerResponse): boolean {
    const isWatch = request.query.watch === 'true' || request.query.watch === '1';
    const fault = this.faults.find(
      (candidate) =>
        candidate.times > 0 &&
        candidate.method === request.method &&
        candidate.path === request.path &&
        (candidate.watch === undefined || candidate.watch === isWatch),
    );
    if (fault === undefined) {
      return false;
    }
    fault.times -= 1;
    sendStatus(response, fault.status, `fault injected by the test for ${request.method} ${request.path}`);
    return true;
  }

  private route(request: RecordedRequest, raw: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const { method, path } = request;
    const webhook = WEBHOOKS.exec(path);
    const secret = SECRETS.exec(path);
    if (method === 'GET' && path === '/version') {
      sendJson(response, 200, this.version);
    } else if (method === 'GET' && path === '/api/v1/namespaces') {
      this.namespaces.handle(raw, response, query);
    } else if (method === 'GET' && path === '/api/v1/pods') {
      this.resources.listPods(response, query);
    } else if (webhook && method === 'GET') {
      this.resources.getWebhookConfiguration(response, decodeURIComponent(webhook[1]!));
    } else if (webhook && method === 'PATCH') {
      this.resources.patchWebhookConfiguration(response, decodeURIComponent(webhook[1]!), request.contentType, request.body);
    } else if (secret && secret[2] !== undefined && method === 'GET') {
      this.resources.getSecret(response, secret[1]!, secret[2]);
    } else if (secret && secret[2] !== undefined && method === 'PUT') {
      this.resources.replaceSecret(response, secret[1]!, secret[2], request.body as StoredObject);
    } else if (secret && secret[2] === undefined && method === 'POST') {
      this.resources.createSecret(response, secret[1]!, request.body as StoredObject);
    } else {
      sendStatus(response, 404, `the fake API server does not serve ${method} ${path}`);
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
