// Recipients / key management for COSE_Encrypt and COSE_Mac (RFC 9052 §5.1, RFC 9053 §5-6, RFC 8230 §3).
export {
  type BuildRecipientsContext,
  type BuiltRecipients,
  buildRecipients,
  type RecipientDescription,
} from "./build.js";
export { recipientKdfInput, wrapAlgId } from "./context.js";
export { deriveContentKey, withContentKey } from "./derive.js";
export { type ParsedRecipient, parseRecipient, type RecipientAlg, recipientAlgorithm } from "./parse.js";
export type { DeriveContext, KdfExtras, RecipientKey, RecipientSecret, SenderKey } from "./types.js";
