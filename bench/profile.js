// Summarises a V8 .cpuprofile (written by `node --cpu-prof`) by self time per
// function and per area (the product, each npm package, Node core, GC), and
// by total time for the product's own functions.
import { readFileSync } from 'node:fs';

/** Labels V8 gives to samples outside JavaScript functions. */
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Names the part of the process a call frame belongs to, from its script URL. */
export function areaOf(callFrame) {
  const { functionName, url } = callFrame;
  if (SPECIAL.has(functionName)) {
    return functionName;
  }
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage) {
    return `npm ${inPackage[1]}`;
  }
  if (url.includes('/dist/')) {
    return 'sidecar-injector';
  }
  if (url.includes('/bench/')) {
    return 'bench script';
  }
  if (url.startsWith('node:')) {
    return 'Node core';
  }
  return url === '' ? 'V8 builtins and native code' : url;
}

function location(callFrame) {
  const file = callFrame.url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/').replace(/^file:\/\//, '');
  return file === '' ? '' : `${file}:${callFrame.lineNumber + 1}`;
}

function functionKey(callFrame) {
  return `${callFrame.functionName}@${callFrame.url}:${callFrame.lineNumber}`;
}

function addTo(map, callFrame, key, value) {
  const entry = map.get(key) ?? { name: callFrame.functionName || '(anonymous)', location: location(callFrame), area: areaOf(callFrame), selfMs: 0 };
  entry.selfMs += value;
  map.set(key, entry);
}

/** Returns the call frames of a sample's stack, leaf first. */
function stackOf(nodeId, nodes, parents) {
  const frames = [];
  for (let id = nodeId; id !== undefined; id = parents.get(id)) {
    frames.push(nodes.get(id).callFrame);
  }
  return frames;
}

/**
 * Reads a .cpuprofile and returns self time in ms per function and per area,
 * and total time of the product's functions, largest first, with shares of
 * busy time (every sample but idle). Samples before the first one inside
 * Node's HTTP request handling (parserOnIncoming) are dropped, so start-up and template loading do not
 * count. A sample lasts until the next one, as DevTools counts it.
 */
export function summarizeProfile(file, top = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id])));
  const functions = new Map();
  const areas = new Map();
  const productTotals = new Map();
  let busyMs = 0;
  let serving = false;

  for (let index = 0; index < profile.samples.length; index += 1) {
    const frames = stackOf(profile.samples[index], nodes, parents);
    serving ||= frames.some((frame) => frame.url === 'node:_http_server' && frame.functionName === 'parserOnIncoming');
    const leaf = frames[0];
    if (!serving || leaf.functionName === '(idle)') {
      continue;
    }

    const durationMs = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    busyMs += durationMs;
    addTo(functions, leaf, functionKey(leaf), durationMs);
    addTo(areas, leaf, areaOf(leaf), durationMs);

    // Total time: count each product function once per sample, however often it recurs on the stack.
    const seen = new Set();
    for (const frame of frames.filter((f) => areaOf(f) === 'sidecar-injector')) {
      const key = functionKey(frame);
      if (!seen.has(key)) {
        seen.add(key);
        addTo(productTotals, frame, key, durationMs);
      }
    }
  }

  const share = (entry) => ({ ...entry, share: busyMs > 0 ? entry.selfMs / busyMs : 0 });
  const largestFirst = (a, b) => b.selfMs - a.selfMs;
  return {
    busyMs,
    functions: [...functions.values()].sort(largestFirst).slice(0, top).map(share),
    areas: [...areas.values()].sort(largestFirst).map((entry) => share({ area: entry.area, selfMs: entry.selfMs })),
    productTotals: [...productTotals.values()].sort(largestFirst).slice(0, top).map((entry) => ({ ...share(entry), totalMs: entry.selfMs })),
  };
}
