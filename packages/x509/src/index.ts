export {
  type DiceLayerMeasurements,
  type DiceNameMismatch,
  diceChainMeasurements,
  type VerifiedDiceChain,
  type VerifyDiceChainOptions,
  verifyDiceChain,
} from "./dice/chain.js";
export {
  type DecodeDiceExtensionsOptions,
  type DiceExtensions,
  decodeDiceExtensions,
  diceKeyPurposeNames,
} from "./dice/extensions.js";
export * from "./dice/oids.js";
export { decodeOpenDiceInput, OPEN_DICE_MODES, type OpenDiceInput, type OpenDiceModeName } from "./dice/open-dice.js";
export {
  decodeRiotCompositeDeviceId,
  decodeTcbInfoOrRiot,
  type RiotCompositeDeviceId,
  type TcbInfoOrRiot,
} from "./dice/riot.js";
export {
  type DiceMultiTcbInfoComp,
  type DiceTcbInfo,
  decodeDiceTcbInfo,
  decodeMultiTcbInfo,
  decodeMultiTcbInfoComp,
  decodeOperationalFlags,
  expandMultiTcbInfoComp,
  type Fwid,
  OPERATIONAL_FLAG_NAMES,
  type OperationalFlagName,
  type OperationalFlags,
  type UnknownField,
} from "./dice/tcb-info.js";
export { type DiceUeid, decodeDiceUeid } from "./dice/ueid.js";
export * from "./types.js";
