// SHA-1 now lives in @rotkit/core (legacy use only); kept as a redirect so existing imports keep working.
export { sha1 } from "@rotkit/core";
