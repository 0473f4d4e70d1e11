// The browse pages in Debian's Chromium with playwright-core: axe-core at 1280 and 320 px (and
// nothing scrolls sideways at 320), then a keyboard-only journey: type a call number, page the
// shelf forwards and back, open a title, reach its "whole shelf" link; type a name in the
// authors A to Z and open its search. Usage: node check_browse.mjs BASE_URL PAGES_JSON
// [SCREENSHOT_DIR] -> prints one JSON report.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, pagesJson, shots] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { axe: {}, scrollWidth: {}, journey: [], errors: [] };
try {
  const axeContext = await browser.newContext({ bypassCSP: true });
  const page = await axeContext.newPage();
  for (const width of [1280, 320]) {
    await page.setViewportSize({ width, height: 900 });
    report.axe[width] = {};
    report.scrollWidth[width] = {};
    for (const [n, path] of pages.entries()) {
      await page.goto(base + path);
      report.scrollWidth[width][path] = await page.evaluate(() => document.documentElement.scrollWidth);
      if (shots) { await page.screenshot({ path: `${shots}/browse-${n}-${width}.png`, fullPage: true }); }
      await page.evaluate(axeSource);
      const result = await page.evaluate((tags) => window.axe.run(document, {
        runOnly: { type: "tag", values: tags } }), TAGS);
      report.axe[width][path] = result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((x) => x.target.join(" ")),
      }));
    }
  }
  await axeContext.close();

  const context = await browser.newContext();
  const tab = await context.newPage();
  tab.on("console", (m) => { if (m.type() === "error") { report.errors.push(m.text()); } });
  const step = (what, ok, detail = "") => report.journey.push({ what, ok, detail });
  const focused = () => tab.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName, id: el.id, text: (el.textContent || "").trim(), rel: el.rel || "",
      href: el.getAttribute("href") || "", outline: style.outlineStyle + " " + style.outlineWidth };
  });
  async function tabUntil(test, limit = 200) {
    for (let i = 0; i < limit; i++) {
      await tab.keyboard.press("Tab");
      const f = await focused();
      if (test(f)) { return f; }
    }
    return null;
  }
  const go = (key) => Promise.all([tab.waitForNavigation(), tab.keyboard.press(key)]);

  await tab.goto(base + "/browse/shelf?scheme=nlm");
  const field = await tabUntil((f) => f.id === "browse-from");
  step("the call number field is reached by Tab", !!field);
  await tab.keyboard.type("WG 120");
  await go("Enter");
  const here = await tab.$("#here");
  step("Enter shows the shelf from WG 120, marked", !!here && tab.url().includes("from=WG"), tab.url());
  const next = await tabUntil((f) => f.rel === "next");
  step("Next page is reached by Tab and visibly focused", !!next && !next.outline.startsWith("none"),
    next ? next.outline : "");
  const firstBefore = await tab.$eval(".shelf-list li:not(.shelf-here) .callno", (e) => e.textContent);
  await go("Enter");
  const firstAfter = await tab.$eval(".shelf-list li .callno", (e) => e.textContent);
  step("Enter on Next shows the following titles", tab.url().includes("after="), `${firstBefore} -> ${firstAfter}`);
  const previous = await tabUntil((f) => f.rel === "prev");
  step("Previous page is reached by Tab", !!previous);
  await go("Enter");
  step("Enter on Previous goes back", tab.url().includes("before="), tab.url());
  const title = await tabUntil((f) => f.href.startsWith("/record/"));
  step("a title on the shelf is reached by Tab", !!title, title ? title.text : "");
  await go("Enter");
  step("Enter opens its record", new URL(tab.url()).pathname.startsWith("/record/"), tab.url());
  const whole = await tabUntil((f) => f.href.includes("/browse/shelf"), 400);
  step("the record's 'whole shelf' link is reached by Tab", !!whole, whole ? whole.text : "");
  if (whole) {
    await go("Enter");
    step("Enter opens that library's shelf at the record", tab.url().includes("/library/") && !!(await tab.$("#here")), tab.url());
  }

  await tab.goto(base + "/browse/author");
  await tabUntil((f) => f.id === "browse-from");
  await tab.keyboard.type("s");
  await go("Enter");
  const name = await tabUntil((f) => f.href.includes("filter=author"));
  step("a name in the authors A to Z is reached by Tab", !!name, name ? name.text : "");
  if (name) {
    await go("Enter");
    step("Enter searches its titles", tab.url().includes("filter=author"), tab.url());
  }
} catch (err) {
  report.errors.push(String(err && err.stack || err));
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
