// SUIT (draft-ietf-suit-manifest, RFC 9019, RFC 9124): re-exports only.
export * from "./labels.js";
export type * from "./types.js";
