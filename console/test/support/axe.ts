import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import type { Stack } from "./stack.ts";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page as it is now, as readable lines
 * ("color-contrast: Elements must meet … at .badge"), so a failing test names what to fix.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Colours are judged at rest: a Carbon button just clicked or focused is still fading between its
  // states (a 70–110 ms CSS transition), and axe would measure a colour halfway. Wait (bounded: a
  // spinner runs for ever) until no transition or animation is running.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity), null, { timeout: 3_000 }).catch(() => undefined);
  // Evaluated rather than added as a <script>: the console's Content-Security-Policy (script-src
  // 'self') rightly refuses an inline script tag, and axe must judge the page as served.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ["violations"] })).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * What every page a browser test visits must pass: its own title in the tab, no serious or
 * critical accessibility violation, and a screenshot in console/test-output/.
 */
export async function checkPage(stack: Stack, screenshot: string, title: RegExp): Promise<void> {
  const { page } = stack;
  await page.waitForFunction((source) => new RegExp(source).test(document.title), title.source);
  const violations = await seriousViolations(page);
  if (violations.length) throw new Error(`axe found serious or critical violations on ${page.url()}:\n${violations.join("\n")}`);
  await stack.screenshot(screenshot);
}
