// NamespaceInformer through the real client against the fake API server,
// and against a stub for the client's watch inactivity timeout.
import type { ClusterApi, NamespaceWatchOptions } from '../../src/cluster/api.js';
import { ClusterApiError, ClusterErrorCode } from '../../src/cluster/errors.js';
import { NamespaceInformer } from '../../src/cluster/namespace-cache.js';
import { FakeApiServer } from './fake-api-server.js';
import { FAST_BACKOFF, WARN, connect, memoryLogger, waitFor, type LogRecord } from './support.js';

const NAMESPACES = '/api/v1/namespaces';

let fake: FakeApiServer;
let informer: NamespaceInformer;
let records: LogRecord[];

function lists() {
  return fake.requestsTo('GET', NAMESPACES).filter((request) => request.query.watch === undefined);
}

function watches() {
  return fake.requestsTo('GET', NAMESPACES).filter((request) => request.query.watch !== undefined);
}

async function startSynced(): Promise<void> {
  informer.start();
  await waitFor('the first list', () => informer.hasSynced());
  await waitFor('an open watch', () => fake.namespaces.openWatches === 1);
}

beforeEach(async () => {
  fake = await FakeApiServer.start();
  fake.namespaces.add('team-a', { 'sidecar-injector.io/injection': 'enabled' });
  const memory = memoryLogger();
  records = memory.records;
  informer = new NamespaceInformer(connect(fake), { logger: memory.logger, backoff: FAST_BACKOFF });
});

afterEach(async () => {
  await informer.stop();
  await fake.close();
});

describe('NamespaceInformer', () => {
  it('is empty before start', () => {
    expect(informer.hasSynced()).toBe(false);
    expect(informer.labels('team-a')).toBeUndefined();
  });

  it('stays unsynced while listing fails', async () => {
    fake.fail({ method: 'GET', path: NAMESPACES, watch: false, status: 403, times: 1000 });
    informer.start();

    await waitFor('three failed lists', () => lists().length >= 3);

    expect(informer.hasSynced()).toBe(false);
    expect(informer.labels('team-a')).toBeUndefined();
    expect(records.filter((record) => record.level === WARN).length).toBeGreaterThanOrEqual(2);
  });

  it('syncs after listing recovers', async () => {
    fake.fail({ method: 'GET', path: NAMESPACES, watch: false, status: 500, times: 2 });

    await startSynced();

    expect(lists()).toHaveLength(3);
    expect(informer.labels('team-a')).toEqual({
      'kubernetes.io/metadata.name': 'team-a',
      'sidecar-injector.io/injection': 'enabled',
    });
  });

  it('watches from the list version', async () => {
    const listVersion = String(fake.clock.current);

    await startSynced();

    expect(watches()[0]!.query).toMatchObject({ resourceVersion: listVersion, allowWatchBookmarks: 'true' });
  });

  it('follows add, modify and delete', async () => {
    await startSynced();

    fake.namespaces.add('team-b', { tier: 'gold' });
    await waitFor('team-b added', () => informer.labels('team-b')?.tier === 'gold');
    fake.namespaces.modify('team-a', { 'sidecar-injector.io/injection': 'disabled' });
    await waitFor('team-a modified', () => informer.labels('team-a')?.['sidecar-injector.io/injection'] === 'disabled');
    fake.namespaces.delete('team-b');
    await waitFor('team-b deleted', () => informer.labels('team-b') === undefined);

    expect(lists()).toHaveLength(1);
    expect(informer.labels('team-a')?.['sidecar-injector.io/injection']).toBe('disabled');
  });

  it('resumes from a bookmark', async () => {
    await startSynced();
    fake.clock.next();
    fake.namespaces.bookmark();
    const bookmarkVersion = String(fake.clock.current);
    await waitFor('the bookmark to be read', () => informer.lastSyncResourceVersion() === bookmarkVersion);

    fake.namespaces.dropWatches();
    await waitFor('a second watch', () => watches().length >= 2);

    expect(watches()[1]!.query.resourceVersion).toBe(bookmarkVersion);
    expect(lists()).toHaveLength(1);
  });

  it('reconnects after a dropped watch', async () => {
    await startSynced();

    fake.namespaces.dropWatches();
    fake.namespaces.add('team-c', {});
    await waitFor('team-c added', () => informer.labels('team-c') !== undefined);

    expect(lists()).toHaveLength(1);
    expect(watches().length).toBeGreaterThanOrEqual(2);
  });

  it.each(['event', 'http'] as const)('relists after 410 (%s)', async (response) => {
    await startSynced();

    // Only a new list can see this change: it is never sent, then forgotten.
    fake.namespaces.modify('team-a', { owner: 'relisted' }, { silent: true });
    fake.namespaces.expire(response);
    await waitFor('the silent change', () => informer.labels('team-a')?.owner === 'relisted');

    expect(lists()).toHaveLength(2);
    expect(records.some((record) => record.msg === 'namespace watch expired (410 Gone); listing again')).toBe(true);
  });

  it('drops namespaces deleted while expired', async () => {
    fake.namespaces.add('team-d', {});
    await startSynced();

    fake.namespaces.delete('team-d', { silent: true });
    fake.namespaces.expire('event');
    await waitFor('team-d gone', () => informer.labels('team-d') === undefined);

    expect(informer.labels('team-a')).toBeDefined();
  });

  it('serves while the server is away', async () => {
    await startSynced();

    await fake.goAway();
    await waitFor('a failed reconnect', () => records.some((record) => record.level === WARN));
    expect(informer.labels('team-a')?.['sidecar-injector.io/injection']).toBe('enabled');
    expect(informer.hasSynced()).toBe(true);

    fake.namespaces.modify('team-a', { 'sidecar-injector.io/injection': 'disabled' });
    await fake.comeBack();
    await waitFor('the change made while away', () => informer.labels('team-a')?.['sidecar-injector.io/injection'] === 'disabled');
  });

  it('stop closes the watch', async () => {
    await startSynced();

    await informer.stop();

    await waitFor('no open watch', () => fake.namespaces.openWatches === 0);
    const requests = fake.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests).toHaveLength(requests);
  });
});

describe('NamespaceInformer on timeout', () => {
  it('rewatches without relisting', async () => {
    const watchVersions: string[] = [];
    let listCount = 0;
    const stub: Pick<ClusterApi, 'listNamespaces' | 'watchNamespaces'> = {
      listNamespaces: async () => {
        listCount += 1;
        return { resourceVersion: '7', items: [{ name: 'team-a', labels: { tier: 'gold' }, resourceVersion: '7' }] };
      },
      watchNamespaces: async (options: NamespaceWatchOptions) => {
        watchVersions.push(options.resourceVersion);
        options.onConnected?.();
        const timeout = new ClusterApiError(ClusterErrorCode.Timeout, 'watch Namespaces timed out');
        return { ended: Promise.reject(timeout), stop: () => undefined };
      },
    };
    const memory = memoryLogger();
    const timedOut = new NamespaceInformer(stub, { logger: memory.logger, backoff: FAST_BACKOFF });

    timedOut.start();
    await waitFor('three watches', () => watchVersions.length >= 3);
    await timedOut.stop();

    expect(listCount).toBe(1);
    expect(new Set(watchVersions)).toEqual(new Set(['7']));
    expect(timedOut.labels('team-a')).toEqual({ tier: 'gold' });
    expect(memory.records.filter((record) => record.level === WARN)).toHaveLength(0);
  });
});
