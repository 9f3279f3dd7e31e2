// Side-by-side measurement: rotkit and its peer run in the same process, interleaved in rounds, so machine noise
// hits both alike. Rates are medians over rounds. No timing assertion anywhere: benchmarks print, they do not gate.

export interface Rate {
  opsPerSec: number;
  /** Median over rounds of the per-round rate. */
  rounds: number[];
}

export interface Contender {
  name: string;
  /** Performs `n` operations; may issue them concurrently. */
  run(n: number): Promise<void>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Calibrates a batch size so one batch takes ~`targetMs`, then runs `rounds` rounds in which every contender
 * runs one batch (order rotated each round).
 */
export async function compare(contenders: Contender[], opts: { rounds?: number; targetMs?: number } = {}) {
  const rounds = opts.rounds ?? 7;
  const targetMs = opts.targetMs ?? 300;
  const sizes = new Map<string, number>();
  for (const c of contenders) {
    let n = 16;
    for (;;) {
      const t = performance.now();
      await c.run(n);
      const ms = performance.now() - t;
      if (ms > targetMs / 4 || n > 1 << 22) {
        sizes.set(c.name, Math.max(1, Math.round((n * targetMs) / Math.max(ms, 0.001))));
        break;
      }
      n *= 4;
    }
  }
  const perRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length] as Contender;
      const n = sizes.get(c.name) as number;
      const t = performance.now();
      await c.run(n);
      perRound.get(c.name)?.push(n / ((performance.now() - t) / 1000));
    }
  }
  const out: Record<string, Rate> = {};
  for (const c of contenders) {
    const rs = perRound.get(c.name) as number[];
    out[c.name] = { opsPerSec: median(rs), rounds: rs };
  }
  return out;
}

/** Runs `op` `n` times keeping at most `width` operations in flight: how a server verifies many requests at once. */
export async function concurrently(n: number, width: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await op(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

export function fmtRate(r: number): string {
  return r >= 1000 ? `${(r / 1000).toFixed(1)}k ops/s` : `${r.toFixed(0)} ops/s`;
}

/**
 * The median over rounds of a/b, each round's two rates measured back to back: drift in machine speed (another
 * process, frequency scaling) cancels out of a ratio taken within one round, not out of a ratio of medians.
 */
export function pairedRatio(a: Rate, b: Rate): number {
  return median(a.rounds.map((x, i) => x / (b.rounds[i] as number)));
}
