import { constantTimeEqual } from "@rotkit/core";
import { suitDigest } from "../digest.js";
import { SuitVersionComparison } from "../labels.js";
import type { SuitConditionName, SuitDigest, SuitParameters, SuitVendorId } from "../types.js";
import { readComponent } from "./component-io.js";
import type { DependencyState } from "./context.js";
import { checkDependencyIntegrity, dependencyDigest } from "./dependency.js";
import { commandFailed, conditionFailed, platformCall } from "./failure.js";
import type { CommandCall, Services } from "./services.js";
import { versionMatches } from "./version.js";

// Conditions (draft-ietf-suit-manifest §8.4.9; trust-domains §5.4.3-4; update-management). A condition has no side
// effect; it returns the properties it measured (for the report) or throws a condition failure, which
// suit-parameter-soft-failure may absorb. A missing parameter is a condition failure too (§8.4.9: "it MUST report a
// failure"); a condition the platform cannot evaluate is SUIT_UNSUPPORTED and always aborts.

function need<K extends keyof SuitParameters>(call: CommandCall, key: K, name: string): NonNullable<SuitParameters[K]> {
  const v = call.params[key];
  if (v === undefined) {
    conditionFailed(
      "SUIT_PARAMETER_MISSING",
      call.at,
      `condition ${name}: component ${call.index} has no ${key} parameter`,
    );
  }
  return v as NonNullable<SuitParameters[K]>;
}

function sameVendor(a: SuitVendorId, b: SuitVendorId): boolean {
  if (a instanceof Uint8Array) return b instanceof Uint8Array && constantTimeEqual(a, b);
  return !(b instanceof Uint8Array) && constantTimeEqual(a.pen, b.pen);
}

/** §8.4.9.1: vendor, class and device identifier conditions, against the identifiers the component asserts. */
async function identifier(
  svc: Services,
  call: CommandCall,
  name: "vendor-identifier" | "class-identifier" | "device-identifier",
): Promise<SuitParameters> {
  const identity = await platformCall(call.at, "identity", () => svc.platform.identity(call.ref));
  if (name === "vendor-identifier") {
    const want = need(call, "vendorIdentifier", name);
    const have = identity?.vendorIds ?? [];
    if (have.some((v) => sameVendor(v, want))) return { vendorIdentifier: want };
    return mismatch(call, name, have[0] === undefined ? {} : { vendorIdentifier: have[0] });
  }
  const key = name === "class-identifier" ? "classIdentifier" : "deviceIdentifier";
  const want = need(call, key, name);
  const have = (name === "class-identifier" ? identity?.classIds : identity?.deviceIds) ?? [];
  if (have.some((v) => v instanceof Uint8Array && constantTimeEqual(v, want))) return { [key]: want };
  return mismatch(call, name, have[0] === undefined ? {} : { [key]: have[0] });
}

function mismatch(call: CommandCall, name: SuitConditionName, measured: SuitParameters): never {
  return conditionFailed(
    "SUIT_CONDITION_FAILED",
    call.at,
    `condition ${name} failed for component ${call.index}`,
    measured,
  );
}

/** The digest (and size) of what the component holds, or undefined when it holds nothing (or less than `size`). */
async function actualDigest(
  svc: Services,
  call: CommandCall,
  want: SuitDigest,
): Promise<{ digest: SuitDigest; size?: number } | undefined> {
  const size = call.params.imageSize;
  if (call.entry.dependency) {
    const held = call.ctx.dependencies.get(call.index);
    return held
      ? { digest: await dependencyDigest(svc, call, held, want.algorithm), size: held.bytes.length }
      : undefined;
  }
  const hook = svc.platform.digest;
  if (hook) {
    const bytes = await platformCall(call.at, "digest", () => hook.call(svc.platform, call.ref, want.algorithm, size));
    if (!(bytes instanceof Uint8Array)) return undefined;
    return { digest: { algorithm: want.algorithm, bytes }, ...(size === undefined ? {} : { size }) };
  }
  const data = await readComponent(svc, call.at, call.ref, size);
  if (!data) return undefined;
  return { digest: await suitDigest(svc.provider, want.algorithm, data), size: data.length };
}

/** §8.4.9.2 image-match (and update-management image-not-match when `negate`). */
async function imageMatch(svc: Services, call: CommandCall, negate: boolean): Promise<SuitParameters> {
  const name = negate ? "image-not-match" : "image-match";
  const want = need(call, "imageDigest", name);
  const actual = await actualDigest(svc, call, want);
  const matches = actual !== undefined && constantTimeEqual(actual.digest.bytes, want.bytes);
  const measured: SuitParameters = actual
    ? { imageDigest: actual.digest, ...(actual.size === undefined ? {} : { imageSize: actual.size }) }
    : {};
  if (negate) {
    if (matches)
      conditionFailed(
        "SUIT_CONDITION_FAILED",
        call.at,
        `condition ${name} failed for component ${call.index}`,
        measured,
      );
    return measured;
  }
  if (!matches) {
    const why = actual ? "does not have the expected digest" : "holds no image of the expected size";
    conditionFailed("SUIT_IMAGE_MISMATCH", call.at, `condition image-match: component ${call.index} ${why}`, measured);
  }
  // trust-domains example 2 binds its dependency this way; process-dependency still authenticates it.
  const held = call.ctx.dependencies.get(call.index);
  if (call.entry.dependency && held) held.checked = true;
  return measured;
}

function unsupported(call: CommandCall, name: string): never {
  return commandFailed("SUIT_UNSUPPORTED", call.at, `condition ${name}: the platform does not provide it`);
}

/**
 * Evaluates one condition for one component; returns the measured properties or throws a CommandFailure.
 */
export async function evaluateCondition(
  svc: Services,
  name: SuitConditionName,
  call: CommandCall,
): Promise<SuitParameters> {
  const p = svc.platform;
  switch (name) {
    case "vendor-identifier":
    case "class-identifier":
    case "device-identifier":
      return identifier(svc, call, name);
    case "image-match":
      return imageMatch(svc, call, false);
    case "image-not-match":
      return imageMatch(svc, call, true);
    case "component-slot": {
      const want = need(call, "componentSlot", name);
      const slot = p.slot;
      if (!slot) return unsupported(call, name);
      const have = await platformCall(call.at, "slot", () => slot.call(p, { id: call.entry.id }));
      if (have !== want) return mismatch(call, name, have === undefined ? {} : { componentSlot: have });
      return { componentSlot: have };
    }
    case "check-content": {
      // §8.4.9.3: constant time, no early exit (the length is public: it is the parameter's).
      const want = need(call, "content", name);
      const have = await readComponent(svc, call.at, call.ref);
      if (!have || !constantTimeEqual(have, want)) return mismatch(call, name, {});
      return {};
    }
    case "abort":
      return mismatch(call, name, {});
    case "use-before": {
      // update-management: assert(now() < use-before), in 64 bits (JS numbers hold every uint the decoder accepts).
      const limit = need(call, "useBefore", name);
      const now = await platformCall(call.at, "clock", () => p.clock.now());
      if (!(typeof now === "number" && now < limit)) {
        conditionFailed(
          "ROLLBACK_EXPIRED",
          call.at,
          `condition use-before: the manifest expired at ${limit} (now ${now})`,
        );
      }
      return {};
    }
    case "is-dependency":
      if (!call.entry.dependency) return mismatch(call, name, {});
      return {};
    case "dependency-integrity": {
      const held: DependencyState | undefined = call.ctx.dependencies.get(call.index);
      if (!call.entry.dependency || !held) {
        commandFailed(
          "SUIT_DEPENDENCY_FAILED",
          call.at,
          `dependency-integrity: component ${call.index} holds no dependency`,
        );
      }
      await checkDependencyIntegrity(svc, call, held);
      return { imageDigest: (held.verified as NonNullable<typeof held.verified>).authentication.digest };
    }
    case "version": {
      const want = need(call, "version", name);
      const get = p.componentVersion;
      if (!get) return unsupported(call, name);
      const have = await platformCall(call.at, "version", () => get.call(p, call.ref));
      const measured: SuitParameters = have
        ? { version: { comparison: SuitVersionComparison.equal, version: [...have] } }
        : {};
      if (!have || !versionMatches(have, want)) return mismatch(call, name, measured);
      return measured;
    }
    case "minimum-battery": {
      const want = need(call, "minimumBattery", name);
      const get = p.batteryLevel;
      if (!get) return unsupported(call, name);
      const have = await platformCall(call.at, "battery", () => get.call(p));
      if (!(typeof have === "number" && have >= want)) {
        return mismatch(call, name, typeof have === "number" && have >= 0 ? { minimumBattery: Math.floor(have) } : {});
      }
      return { minimumBattery: Math.floor(have) };
    }
    case "update-authorized": {
      const priority = need(call, "updatePriority", name);
      const ask = p.authorizeUpdate;
      if (!ask) return unsupported(call, name);
      const ok = await platformCall(call.at, "authorization", () => ask.call(p, priority, call.ref));
      if (ok !== true) return mismatch(call, name, {});
      return { updatePriority: priority };
    }
  }
  return unsupported(call, name);
}
