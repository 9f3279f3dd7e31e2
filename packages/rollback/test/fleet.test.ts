import { checkFleetMinimum, devicesBelowMinimum, type FleetMinimums, fleetMinimum } from "@rotkit/rollback";
import { describe, expect, it } from "vitest";

const code = (c: string) => expect.objectContaining({ code: c });
const policy: FleetMinimums = {
  classes: { "sensor-v2": { app: 40, boot: 3 }, "gateway-v1": { app: 7 } },
  default: { app: 1 },
};

describe("fleet minimum versions", () => {
  it("looks up the class list, falling back to the default list", () => {
    expect(fleetMinimum(policy, "sensor-v2", "app")).toBe(40);
    expect(fleetMinimum(policy, "gateway-v1", "boot")).toBeUndefined();
    expect(fleetMinimum(policy, "unknown", "app")).toBe(1);
    expect(fleetMinimum({ classes: {} }, "unknown", "app")).toBeUndefined();
  });

  it("does not resolve Object.prototype members as classes or components", () => {
    expect(fleetMinimum(policy, "constructor", "app")).toBe(1);
    expect(fleetMinimum(policy, "__proto__", "toString")).toBeUndefined();
    expect(fleetMinimum(policy, "sensor-v2", "hasOwnProperty")).toBeUndefined();
  });

  it("refuses a version below the minimum with ROLLBACK_BELOW_MINIMUM", () => {
    expect(() => checkFleetMinimum(policy, { deviceClass: "sensor-v2", component: "app", sequence: 39 })).toThrow(
      code("ROLLBACK_BELOW_MINIMUM"),
    );
    checkFleetMinimum(policy, { deviceClass: "sensor-v2", component: "app", sequence: 40 });
    checkFleetMinimum(policy, { deviceClass: "sensor-v2", component: "other", sequence: 0 });
    expect(() => checkFleetMinimum(policy, { deviceClass: "x", component: "app", sequence: 0n })).toThrow(
      code("ROLLBACK_BELOW_MINIMUM"),
    );
    expect(() => checkFleetMinimum(policy, { deviceClass: "x", component: "app", sequence: -1 })).toThrow(
      code("INVALID_ARGUMENT"),
    );
    expect(() => fleetMinimum({ classes: { c: { app: -5 } } }, "c", "app")).toThrow(code("INVALID_ARGUMENT"));
  });

  it("lists the devices below their minimums (a missing component counts as 0)", () => {
    const late = devicesBelowMinimum(policy, [
      { deviceId: "a", deviceClass: "sensor-v2", components: { app: 41, boot: 2 } },
      { deviceId: "b", deviceClass: "sensor-v2", components: { app: 40 } },
      { deviceId: "c", deviceClass: "gateway-v1", components: { app: 7 } },
      { deviceId: "d", deviceClass: "other", components: {} },
    ]);
    expect(late).toEqual([
      { deviceId: "a", component: "boot", sequence: 2, minimum: 3 },
      { deviceId: "b", component: "boot", sequence: 0, minimum: 3 },
      { deviceId: "d", component: "app", sequence: 0, minimum: 1 },
    ]);
  });
});
