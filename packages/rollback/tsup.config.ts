import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.js";

// Two entry points: the portable one (counters, flash journal, policy, tickets) and `./node` (the file store), so a
// device bundle never pulls in Node built-ins.
export default defineConfig(packageConfig({ entry: ["src/index.ts", "src/node.ts"] }));
