import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.js";

// Two entry points: the portable applier (device-side) and `./create` (making deltas on a server), so a device
// bundle never pulls in the suffix array and matcher.
export default defineConfig(packageConfig({ entry: ["src/index.ts", "src/create.ts"] }));
