// Internal helper (not re-exported).

/**
 * `o[k] = v` as an own, enumerable property even for k = "__proto__" — a name a token may carry — which plain
 * assignment would turn into a prototype change that hides the entry from Object.entries.
 */
export function ownProperty<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
