// One rotkit createDelta in its own process, so its CPU time and peak memory are measured like bsdiff's: prints
// {cpuMs, peakBytes} where peakBytes is the peak RSS above the RSS the process had before reading the images.
import { readFileSync, writeFileSync } from "node:fs";
import { createDelta } from "@rotkit/delta/create";

const [oldPath, newPath, outPath] = process.argv.slice(2) as [string, string, string];
const baseRss = process.memoryUsage().rss;
const c0 = process.cpuUsage();
const old = new Uint8Array(readFileSync(oldPath));
const neu = new Uint8Array(readFileSync(newPath));
const patch = await createDelta(old, neu);
const cpu = process.cpuUsage(c0);
writeFileSync(outPath, patch);
const peakBytes = process.resourceUsage().maxRSS * 1024 - baseRss;
process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, peakBytes })}\n`);
