import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.js";

// Two entry points: the portable one (device-side evidence production and CBOR-format verification) and
// `./server` (JWT EATs via jose, X.509 DICE chains via @rotkit/x509), so a device bundle never pulls those in.
export default defineConfig(packageConfig({ entry: ["src/index.ts", "src/server.ts"] }));
