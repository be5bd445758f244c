import type { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus, sendJson, sendStatus, type ResourceVersionClock } from './fake-status.js';

/** How the fake responds to a watch from a resourceVersion older than the compaction point. */
export type ExpiryResponse = 'event' | 'http';

/** Options of a scripted namespace change. */
export interface ChangeOptions {
  /** Store and log the change without sending it to open watches, as if the event was lost. */
  readonly silent?: boolean;
}

interface NamespaceObject {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: { name: string; uid: string; resourceVersion: string; labels: Record<string, string> };
  spec: { finalizers: string[] };
  status: { phase: 'Active' };
}

interface LoggedEvent {
  readonly revision: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: NamespaceObject;
}

interface Watcher {
  readonly response: ServerResponse;
  readonly bookmarks: boolean;
}

/**
 * Namespaces of the fake API server, with the event log that watches replay.
 * Events at or below the compaction point are forgotten, so a watch from
 * there fails with 410, as kube-apiserver does after etcd compaction.
 */
export class FakeNamespaces {
  private readonly objects = new Map<string, NamespaceObject>();
  private log: LoggedEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private compactedRevision = 0;
  private expiryResponse: ExpiryResponse = 'event';

  constructor(private readonly clock: ResourceVersionClock) {}

  /** Number of watch streams open now. */
  get openWatches(): number {
    return this.watchers.size;
  }

  add(name: string, labels: Record<string, string>, options: ChangeOptions = {}): void {
    if (this.objects.has(name)) {
      throw new Error(`fake namespace ${name} exists; use modify()`);
    }
    this.record('ADDED', this.build(name, labels), options);
  }

  modify(name: string, labels: Record<string, string>, options: ChangeOptions = {}): void {
    if (!this.objects.has(name)) {
      throw new Error(`fake namespace ${name} does not exist; use add()`);
    }
    this.record('MODIFIED', this.build(name, labels), options);
  }

  delete(name: string, options: ChangeOptions = {}): void {
    const object = this.objects.get(name);
    if (object === undefined) {
      throw new Error(`fake namespace ${name} does not exist`);
    }
    const deleted = structuredClone(object);
    deleted.metadata.resourceVersion = this.clock.next();
    this.record('DELETED', deleted, options);
  }

  /**
   * Forgets every resourceVersion handed out so far, after advancing the clock
   * as writes to other kinds do. Open watches get an ERROR 410 event (`event`)
   * or are cut (`http`). Later watches from an old resourceVersion get the same.
   */
  expire(response: ExpiryResponse): void {
    this.clock.next();
    this.compactedRevision = this.clock.current;
    this.log = [];
    this.expiryResponse = response;
    for (const watcher of [...this.watchers]) {
      if (response === 'event') {
        this.write(watcher, { type: 'ERROR', object: this.expiredStatus('open watch') });
        watcher.response.end();
      } else {
        watcher.response.destroy();
      }
      this.watchers.delete(watcher);
    }
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that asked for bookmarks. */
  bookmark(): void {
    const object = { kind: 'Namespace', apiVersion: 'v1', metadata: { resourceVersion: String(this.clock.current) } };
    for (const watcher of this.watchers) {
      if (watcher.bookmarks) {
        this.write(watcher, { type: 'BOOKMARK', object });
      }
    }
  }

  /** Cuts every open watch connection without a final chunk. */
  dropWatches(): void {
    for (const watcher of this.watchers) {
      watcher.response.destroy();
    }
    this.watchers.clear();
  }

  /** Answers GET /api/v1/namespaces, as a list or, with `watch`, as a stream. */
  handle(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const watch = query.get('watch');
    if (watch === 'true' || watch === '1') {
      this.watch(request, response, query);
      return;
    }
    sendJson(response, 200, {
      kind: 'NamespaceList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.clock.current) },
      items: [...this.objects.values()],
    });
  }

  private watch(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const from = query.get('resourceVersion');
    const expired = from !== null && from !== '' && from !== '0' && Number(from) < this.compactedRevision;
    if (expired && this.expiryResponse === 'http') {
      sendStatus(response, 410, `too old resource version: ${from} (${this.compactedRevision})`);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    const watcher: Watcher = { response, bookmarks: query.get('allowWatchBookmarks') === 'true' };
    if (expired) {
      this.write(watcher, { type: 'ERROR', object: this.expiredStatus(`resourceVersion ${from}`) });
      response.end();
      return;
    }
    const replay =
      from === null || from === '' || from === '0'
        ? [...this.objects.values()].map((object) => ({ type: 'ADDED', object }))
        : this.log.filter((event) => event.revision > Number(from));
    replay.forEach((event) => this.write(watcher, { type: event.type, object: event.object }));
    this.watchers.add(watcher);
    response.on('close', () => this.watchers.delete(watcher));
  }

  private expiredStatus(subject: string): Record<string, unknown> {
    return failureStatus(410, `too old resource version: ${subject} (${this.compactedRevision})`);
  }

  private build(name: string, labels: Record<string, string>): NamespaceObject {
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: `uid-${name}`,
        resourceVersion: this.clock.next(),
        labels: { 'kubernetes.io/metadata.name': name, ...labels },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
  }

  private record(type: LoggedEvent['type'], object: NamespaceObject, options: ChangeOptions): void {
    if (type === 'DELETED') {
      this.objects.delete(object.metadata.name);
    } else {
      this.objects.set(object.metadata.name, object);
    }
    const event = { revision: Number(object.metadata.resourceVersion), type, object };
    this.log.push(event);
    if (!options.silent) {
      this.watchers.forEach((watcher) => this.write(watcher, { type, object }));
    }
  }

  private write(watcher: Watcher, event: { type: string; object: unknown }): void {
    watcher.response.write(`${JSON.stringify(event)}\n`);
  }
}
