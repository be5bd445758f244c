// Static checks of Dockerfile and .dockerignore. No Docker engine is needed,
// and none of these checks builds the image.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from '../support/checkers.js';

const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8');

/** Dockerfile instructions with comments and blank lines removed. */
const instructions = dockerfile
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** Instructions after the last FROM, that is, of the runtime stage. */
const runtimeStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));

const ignoredPatterns = dockerignore
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('builds from Node 24 images', () => {
    const defaultImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    const fromImages = instructions
      .filter((line) => line.startsWith('FROM '))
      .map((line) => line.split(/\s+/)[1]!.replace('${NODE_IMAGE}', defaultImage ?? '${NODE_IMAGE}'));

    expect(fromImages.length).toBeGreaterThanOrEqual(2);
    for (const image of fromImages) {
      expect(image).toMatch(/^node:24-(bookworm-slim|alpine)(@sha256:[0-9a-f]{64})?$/);
    }
  });

  it('builds with dev dependencies', () => {
    expect(instructions).toContain('RUN npm run build');
    expect(instructions.some((line) => /^RUN npm ci(?!.*--omit=dev)/.test(line))).toBe(true);
  });

  it('ships production dependencies only', () => {
    expect(instructions.some((line) => /^RUN npm ci .*--omit=dev/.test(line))).toBe(true);
    expect(runtimeStage.filter((line) => line.startsWith('RUN '))).toEqual([]);
  });

  it('runtime stage runs dist/main.js', () => {
    expect(runtimeStage).toContain('WORKDIR /app');
    expect(runtimeStage).toContain('COPY --from=build /app/dist ./dist');
    expect(runtimeStage).toContain('COPY templates ./templates');
    expect(runtimeStage).toContain('EXPOSE 8443');
    expect(runtimeStage.at(-1)).toBe('ENTRYPOINT ["node", "dist/main.js"]');
  });

  it('runs as numeric non-root user', () => {
    const users = runtimeStage.filter((line) => line.startsWith('USER '));

    expect(users).toEqual(['USER 65532:65532']);
  });

  it('compiles src/main.ts to dist/main.js', () => {
    const buildConfig = JSON.parse(readFileSync(path.join(repoRoot, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions?: { rootDir?: string; outDir?: string };
    };

    expect(buildConfig.compilerOptions?.rootDir).toBe('src');
    expect(buildConfig.compilerOptions?.outDir).toBe('dist');
  });
});

describe('.dockerignore', () => {
  it.each(['node_modules', 'dist', '.tools', '.git', 'test', 'bench', 'docs'])('excludes %s', (entry) => {
    expect(ignoredPatterns).toContain(entry);
  });

  it.each(['src', 'templates', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])(
    'keeps %s',
    (entry) => {
      expect(ignoredPatterns).not.toContain(entry);
    },
  );
});
