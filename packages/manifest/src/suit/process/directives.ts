import type { ByteSource } from "@rotkit/core";
import type { SuitParameters } from "../types.js";
import { collect, decryptPayload, readComponent, writeComponent, writeOptions } from "./component-io.js";
import type { ComponentEntry } from "./context.js";
import { fetchDependency } from "./dependency.js";
import { commandFailed, platformCall } from "./failure.js";
import type { SuitComponentRef } from "./platform.js";
import type { CommandCall, Services } from "./services.js";

// The directives that act on components (draft-ietf-suit-manifest §8.4.10.4-9; firmware-encryption: fetch, copy and
// write decrypt with the destination's SUIT_Encryption_Info; update-management wait). A directive failure always
// aborts (§6.4). Writes go through the platform, which stages them until commit.

function need<K extends keyof SuitParameters>(call: CommandCall, key: K, name: string): NonNullable<SuitParameters[K]> {
  const v = call.params[key];
  if (v === undefined) {
    commandFailed(
      "SUIT_PARAMETER_MISSING",
      call.at,
      `directive ${name}: component ${call.index} has no ${key} parameter`,
    );
  }
  return v as NonNullable<SuitParameters[K]>;
}

/** Stores `data` in the component, decrypting it first when the component has encryption-info. */
async function store(svc: Services, call: CommandCall, source: ByteSource | Uint8Array): Promise<number> {
  const size = call.params.imageSize;
  if (call.params.encryptionInfo) {
    const ciphertext = await collect(svc, call.at, source, svc.limits.maxImageSize);
    const plain = await decryptPayload(svc, call, ciphertext);
    if (size !== undefined && plain.length > size) {
      commandFailed("SUIT_COMMAND_FAILED", call.at, `the decrypted payload is larger than image-size ${size}`);
    }
    return writeComponent(svc, call.at, call.ref, writeOptions(call), plain, plain.length);
  }
  const limit = Math.min(size ?? svc.limits.maxImageSize, svc.limits.maxImageSize);
  return writeComponent(svc, call.at, call.ref, writeOptions(call), source, limit);
}

/** A component that holds a dependency envelope lives in the interpreter: its bytes replace the held ones. */
function holdDependency(call: CommandCall, uri: string, bytes: Uint8Array): void {
  // trust-domains §5.4.4: a write to the dependency invalidates an earlier integrity check.
  call.ctx.dependencies.set(call.index, { bytes, checked: false, uri });
}

/** §8.4.10.4 fetch. */
export async function fetchDirective(svc: Services, call: CommandCall): Promise<SuitParameters> {
  const uri = need(call, "uri", "fetch");
  if (call.entry.dependency) {
    let held = await fetchDependency(svc, call, uri);
    // trust-domains "Encrypted Manifest Template": the dependency envelope itself may be encrypted.
    if (call.params.encryptionInfo && !held.verified) {
      held = { ...held, bytes: await decryptPayload(svc, call, held.bytes) };
    }
    call.ctx.dependencies.set(call.index, held);
    return { uri, imageSize: held.bytes.length };
  }
  let source: ByteSource | Uint8Array | undefined = call.ctx.envelope.integratedPayloads.get(uri);
  if (!source) {
    const fetch = svc.platform.fetch;
    if (!fetch) commandFailed("SUIT_UNSUPPORTED", call.at, `fetch of ${uri}: the platform cannot fetch`);
    const max = call.params.encryptionInfo
      ? svc.limits.maxImageSize
      : (call.params.imageSize ?? svc.limits.maxImageSize);
    source = await platformCall(call.at, `fetch ${uri}`, () =>
      fetch.call(svc.platform, {
        uri,
        component: call.ref,
        dependency: false,
        maxSize: Math.min(max, svc.limits.maxImageSize),
        ...(call.params.fetchArguments ? { fetchArguments: call.params.fetchArguments } : {}),
      }),
    );
  }
  const n = await store(svc, call, source);
  return { uri, imageSize: n };
}

/** §8.4.10.6 write: suit-parameter-content into the component. */
export async function writeDirective(svc: Services, call: CommandCall): Promise<SuitParameters> {
  const content = need(call, "content", "write");
  if (call.entry.dependency) {
    const bytes = call.params.encryptionInfo ? await decryptPayload(svc, call, content) : content;
    holdDependency(call, "#content", bytes);
    return { imageSize: bytes.length };
  }
  return { imageSize: await store(svc, call, content) };
}

/** The source component of copy / swap (suit-parameter-source-component), checked. */
function source(
  call: CommandCall,
  name: string,
  sourceParams: (e: ComponentEntry) => SuitParameters,
): SuitComponentRef {
  const index = need(call, "sourceComponent", name);
  const entry = call.ctx.components.get(index);
  if (!entry) commandFailed("SUIT_MALFORMED", call.at, `${name}: source component ${index} is not declared`);
  if (entry.key === call.entry.key) {
    commandFailed("SUIT_COMMAND_FAILED", call.at, `${name}: component ${call.index} is its own source`);
  }
  if (entry.dependency || call.entry.dependency) {
    commandFailed("SUIT_UNSUPPORTED", call.at, `${name} between dependency manifests is not supported`);
  }
  const slot = sourceParams(entry).componentSlot;
  return slot === undefined ? { id: entry.id } : { id: entry.id, slot };
}

/** §8.4.10.5 copy (decrypting with the destination's encryption-info, firmware-encryption). */
export async function copyDirective(
  svc: Services,
  call: CommandCall,
  sourceParams: (e: ComponentEntry) => SuitParameters,
): Promise<SuitParameters> {
  const from = source(call, "copy", sourceParams);
  const props: SuitParameters = { sourceComponent: call.params.sourceComponent as number };
  const copy = svc.platform.copy;
  if (copy && !call.params.encryptionInfo) {
    const present = await platformCall(call.at, "open", () => svc.platform.open(from));
    if (!present)
      commandFailed("SUIT_COMMAND_FAILED", call.at, `copy: source component ${props.sourceComponent} is empty`);
    await platformCall(call.at, "copy", () => copy.call(svc.platform, from, call.ref, writeOptions(call)));
    return props;
  }
  const data = await readComponent(svc, call.at, from);
  if (!data) commandFailed("SUIT_COMMAND_FAILED", call.at, `copy: source component ${props.sourceComponent} is empty`);
  return { ...props, imageSize: await store(svc, call, data) };
}

/** §8.4.10.9 swap. */
export async function swapDirective(
  svc: Services,
  call: CommandCall,
  sourceParams: (e: ComponentEntry) => SuitParameters,
): Promise<SuitParameters> {
  const from = source(call, "swap", sourceParams);
  const swap = svc.platform.swap;
  if (!swap) commandFailed("SUIT_UNSUPPORTED", call.at, "swap: the platform does not provide it");
  const present = await platformCall(call.at, "open", () => svc.platform.open(from));
  if (!present)
    commandFailed("SUIT_COMMAND_FAILED", call.at, `swap: source component ${call.params.sourceComponent} is empty`);
  await platformCall(call.at, "swap", () => swap.call(svc.platform, call.ref, from));
  return { sourceComponent: call.params.sourceComponent as number };
}

/** §8.4.10.8 invoke. */
export async function invokeDirective(svc: Services, call: CommandCall): Promise<SuitParameters> {
  const invoke = svc.platform.invoke;
  if (!invoke) commandFailed("SUIT_UNSUPPORTED", call.at, "invoke: the platform does not provide it");
  if (call.entry.dependency) commandFailed("SUIT_UNSUPPORTED", call.at, "invoke of a dependency manifest");
  const args = call.params.invokeArgs;
  await platformCall(call.at, "invoke", () => invoke.call(svc.platform, call.ref, args));
  return args ? { invokeArgs: args } : {};
}

/** update-management wait. */
export async function waitDirective(svc: Services, call: CommandCall): Promise<SuitParameters> {
  const event = need(call, "waitInfo", "wait");
  const wait = svc.platform.wait;
  if (!wait) commandFailed("SUIT_UNSUPPORTED", call.at, "wait: the platform does not provide it");
  await platformCall(call.at, "wait", () => wait.call(svc.platform, event, call.ref));
  return {};
}
