import type { VersionInfo } from '../../src/cluster/api.js';
import { ClusterErrorCode } from '../../src/cluster/errors.js';
import {
  ServerVersionWatcher,
  parseServerVersion,
  supportsNativeSidecars,
  type ServerVersion,
} from '../../src/cluster/server-version.js';
import { FakeApiServer } from './fake-api-server.js';
import { FAST_BACKOFF, WARN, connect, memoryLogger, waitFor } from './support.js';

describe('parseServerVersion', () => {
  const cases: [VersionInfo, number, number][] = [
    [{ major: '1', minor: '29', gitVersion: 'v1.29.4' }, 1, 29],
    [{ major: '1', minor: '29+', gitVersion: 'v1.29.8-gke.1211000' }, 1, 29],
    [{ major: '1', minor: '30+', gitVersion: 'v1.30.2-eks-1552ad0' }, 1, 30],
    [{ major: '', minor: '', gitVersion: 'v1.33.2-gke.1' }, 1, 33],
    [{ major: '1', minor: '', gitVersion: 'v1.28.0' }, 1, 28],
  ];

  it.each(cases)('parses %j', (info, major, minor) => {
    const version = parseServerVersion(info);

    expect(version.major).toBe(major);
    expect(version.minor).toBe(minor);
    expect(version.gitVersion).toBe(info.gitVersion);
  });

  it('rejects a version without numbers', () => {
    expect(() => parseServerVersion({ major: '', minor: '', gitVersion: 'unknown' })).toThrow(
      expect.objectContaining({ code: ClusterErrorCode.InvalidResponse }) as unknown as Error,
    );
  });
});

describe('supportsNativeSidecars', () => {
  const cases: [number, number, boolean][] = [
    [1, 27, false],
    [1, 28, false],
    [1, 29, true],
    [1, 33, true],
    [2, 0, true],
  ];

  it.each(cases)('%i.%i is %s', (major, minor, expected) => {
    const version: ServerVersion = { major, minor, gitVersion: `v${major}.${minor}.0` };

    expect(supportsNativeSidecars(version)).toBe(expected);
  });
});

describe('ServerVersionWatcher', () => {
  let fake: FakeApiServer;
  const watchers: ServerVersionWatcher[] = [];

  function startWatcher() {
    const { logger, records } = memoryLogger();
    const watcher = new ServerVersionWatcher(connect(fake), { logger, intervalMs: 3_600_000, retry: FAST_BACKOFF });
    watchers.push(watcher);
    return { watcher, records };
  }

  beforeEach(async () => {
    fake = await FakeApiServer.start();
  });

  afterEach(async () => {
    watchers.splice(0).forEach((watcher) => watcher.stop());
    await fake.close();
  });

  it('is unknown before start', () => {
    const { watcher } = startWatcher();

    expect(watcher.supportsNativeSidecars()).toBeUndefined();
    expect(watcher.current()).toBeUndefined();
    expect(fake.requestsTo('GET', '/version')).toHaveLength(0);
  });

  it('detects native sidecars on 29+', async () => {
    fake.version = { major: '1', minor: '29+', gitVersion: 'v1.29.8-gke.1211000' };
    const { watcher, records } = startWatcher();

    await watcher.start();

    expect(watcher.supportsNativeSidecars()).toBe(true);
    expect(records.find((record) => record.msg === 'API server version detected')).toMatchObject({
      gitVersion: 'v1.29.8-gke.1211000',
      nativeSidecars: true,
    });
  });

  it('follows an upgrade', async () => {
    fake.version = { major: '1', minor: '28', gitVersion: 'v1.28.9' };
    const { watcher, records } = startWatcher();
    const seen: string[] = [];
    watcher.onChange((version) => seen.push(version.gitVersion));
    await watcher.start();
    expect(watcher.supportsNativeSidecars()).toBe(false);

    fake.version = { major: '1', minor: '29', gitVersion: 'v1.29.0' };
    await watcher.refresh();

    expect(watcher.supportsNativeSidecars()).toBe(true);
    expect(seen).toEqual(['v1.28.9', 'v1.29.0']);
    expect(records.find((record) => record.msg === 'API server version changed')).toMatchObject({
      gitVersion: 'v1.29.0',
      previousGitVersion: 'v1.28.9',
    });
  });

  it('keeps the last value on error', async () => {
    fake.version = { major: '1', minor: '30', gitVersion: 'v1.30.1' };
    const { watcher, records } = startWatcher();
    await watcher.start();

    fake.fail({ method: 'GET', path: '/version', status: 500 });
    const keptVersion = await watcher.refresh();

    expect(keptVersion?.gitVersion).toBe('v1.30.1');
    expect(watcher.supportsNativeSidecars()).toBe(true);
    const warning = records.find((record) => record.level === WARN);
    expect(warning?.msg).toBe('reading the API server version failed; keeping the last known version');
    expect(warning?.keptVersion).toBe('v1.30.1');
  });

  it('keeps the last value when unreachable', async () => {
    const { watcher } = startWatcher();
    await watcher.start();
    const before = watcher.current();

    await fake.goAway();
    await watcher.refresh();

    expect(before).toBeDefined();
    expect(watcher.current()).toEqual(before);
  });

  it('retries until the first answer', async () => {
    fake.fail({ method: 'GET', path: '/version', status: 503, times: 2 });
    const { watcher, records } = startWatcher();

    await watcher.start();
    expect(watcher.supportsNativeSidecars()).toBeUndefined();
    await waitFor('the version to be known', () => watcher.supportsNativeSidecars() !== undefined);

    expect(watcher.supportsNativeSidecars()).toBe(true);
    expect(fake.requestsTo('GET', '/version')).toHaveLength(3);
    expect(records.filter((record) => record.level === WARN)).toHaveLength(2);
  });
});
