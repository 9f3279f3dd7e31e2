import { RotkitError } from "@rotkit/core";
import { counterValue } from "./values.js";

// Fleet-level minimum versions (server side, pure): an update server or verifier keeps, per device class, the lowest
// sequence number each component may run, and refuses to serve or to appraise as up to date anything below it.

/** Minimum sequence numbers per device class and component. */
export interface FleetMinimums {
  /** `classes[deviceClass][component]` = lowest acceptable sequence number. */
  classes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Minimums for device classes not listed in `classes`. */
  default?: Readonly<Record<string, number>>;
}

/** A device's report as a server sees it. */
export interface FleetDevice {
  deviceId: string;
  deviceClass: string;
  /** Sequence number per component. */
  components: Readonly<Record<string, number>>;
}

/** A component of a device below its fleet minimum. */
export interface BelowMinimum {
  deviceId: string;
  component: string;
  sequence: number;
  minimum: number;
}

function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  // Own keys only: "constructor" or "__proto__" must not resolve to Object.prototype members.
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * The minimum sequence number of `component` for `deviceClass` (the class's own list, else the default list), or
 * undefined when none is set.
 *
 * @example
 * ```ts
 * fleetMinimum({ classes: { "sensor-v2": { app: 40 } } }, "sensor-v2", "app"); // 40
 * ```
 */
export function fleetMinimum(policy: FleetMinimums, deviceClass: string, component: string): number | undefined {
  const perClass = own(policy.classes, deviceClass);
  const v = perClass !== undefined ? own(perClass, component) : own(policy.default, component);
  return v === undefined ? undefined : counterValue(v, `minimum for ${deviceClass}/${component}`);
}

/**
 * Throws `ROLLBACK_BELOW_MINIMUM` when `sequence` is below the fleet minimum for the device class and component.
 *
 * @example
 * ```ts
 * checkFleetMinimum(policy, { deviceClass: "sensor-v2", component: "app", sequence: 39 }); // throws
 * ```
 */
export function checkFleetMinimum(
  policy: FleetMinimums,
  device: { deviceClass: string; component: string; sequence: number | bigint },
): void {
  const sequence = counterValue(device.sequence, "sequence");
  const minimum = fleetMinimum(policy, device.deviceClass, device.component);
  if (minimum !== undefined && sequence < minimum) {
    throw new RotkitError(
      "ROLLBACK_BELOW_MINIMUM",
      `${device.deviceClass}/${device.component}: sequence ${sequence} is below the fleet minimum ${minimum}`,
      { at: `${device.deviceClass}/${device.component}` },
    );
  }
}

/**
 * Every component of every device that runs below its fleet minimum (e.g. the devices to update first). A component
 * with a minimum that a device does not report counts as below it (at sequence 0).
 *
 * @example
 * ```ts
 * const late = devicesBelowMinimum(policy, registry.devices());
 * ```
 */
export function devicesBelowMinimum(policy: FleetMinimums, devices: Iterable<FleetDevice>): BelowMinimum[] {
  const out: BelowMinimum[] = [];
  for (const d of devices) {
    const list = own(policy.classes, d.deviceClass) ?? policy.default ?? {};
    for (const component of Object.keys(list)) {
      const minimum = fleetMinimum(policy, d.deviceClass, component) as number;
      const sequence = counterValue(own(d.components, component) ?? 0, `${d.deviceId}/${component}`);
      if (sequence < minimum) out.push({ deviceId: d.deviceId, component, sequence, minimum });
    }
  }
  return out;
}
