export * from "./bytes.js";
export * from "./cbor/types.js";
export * from "./clock.js";
export * from "./crypto/types.js";
export * from "./errors.js";
