// Describes the machine from /proc and measures how much CPU other processes
// took during a load window, since the load generator and the server share
// the same cores with whatever else runs.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Share of the machine's CPU other processes may use during a window before it is measured again. */
export const DISTURBED_SHARE = 0.1;

/** Linux reports /proc CPU times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** CPU model, logical cores, memory and kernel, read from /proc and node:os. */
export function machineInfo() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const memoryKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? 0);
  return {
    cpu: model.trim(),
    cores: os.availableParallelism(),
    memoryGiB: memoryKiB / 1024 / 1024,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/**
 * CPU ticks spent outside idle, summed over all cores. Interrupt and softirq
 * time is left out: loopback networking runs there on behalf of the load
 * itself, and /proc charges it to no process.
 */
function busyTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , , , steal] = fields;
  return user + nice + system + steal;
}

/** CPU time (user + system) a process has used so far, in seconds; 0 once it is gone. */
export function processSeconds(pid) {
  try {
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Starts measuring; stop() returns the share of all cores (0 to 1) that
 * processes other than this one and `pids` used in between.
 */
export function foreignCpuMeter(pids) {
  const startBusy = busyTicks();
  const startOwn = process.cpuUsage();
  const startChildren = pids.map(processSeconds);
  const startTime = performance.now();
  return {
    stop: () => {
      const elapsedSeconds = (performance.now() - startTime) / 1000;
      const machineSeconds = (busyTicks() - startBusy) / TICKS_PER_SECOND;
      const own = process.cpuUsage(startOwn);
      const ownSeconds = (own.user + own.system) / 1e6;
      const childSeconds = pids.reduce((sum, pid, index) => sum + processSeconds(pid) - startChildren[index], 0);
      const foreign = machineSeconds - ownSeconds - childSeconds;
      return Math.max(0, foreign / (elapsedSeconds * os.availableParallelism()));
    },
  };
}

/**
 * Waits until other processes use at most `threshold` of the machine's CPU
 * over a 250 ms probe, for at most `maxWaitMs`. `pids` are this benchmark's
 * own servers. Returns the last share measured and the time waited in ms.
 */
export async function waitForQuiet(pids, threshold = DISTURBED_SHARE, maxWaitMs = 30_000) {
  const start = Date.now();
  for (;;) {
    const meter = foreignCpuMeter(pids);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const share = meter.stop();
    const waitedMs = Date.now() - start;
    if (share <= threshold || waitedMs >= maxWaitMs) {
      return { share, waitedMs };
    }
  }
}
