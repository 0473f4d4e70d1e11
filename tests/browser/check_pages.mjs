// Drives Debian's Chromium with playwright-core: axe-core on each page, then a keyboard-only
// journey. Usage: node check_pages.mjs BASE_URL PAGES_JSON [STAFF_PAGES_JSON] -> prints one JSON
// report. STAFF_PAGES are checked signed in with the session cookie in $STAFF_COOKIE; the staff
// journey signs in by keyboard as $STAFF_USER / $STAFF_PASSWORD.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [base, pagesJson, staffJson] = process.argv.slice(2);
const pages = JSON.parse(pagesJson);
const staffPages = staffJson ? JSON.parse(staffJson) : [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { axe: {}, landed: {}, journey: [], errors: [] };
try {
  // axe is injected by the test, so this context lets it past the CSP; the journey below
  // runs with the site's own CSP in force.
  const axeContext = await browser.newContext({ bypassCSP: true });
  const page = await axeContext.newPage();
  async function checkAxe(path) {
    await page.goto(base + path);
    report.landed[path] = new URL(page.url()).pathname;  // a signed-out staff page redirects
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }));
    report.axe[path] = result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  }
  for (const path of pages) { await checkAxe(path); }
  // A phone: axe again at 390 and 320 px, and nothing may make the page scroll sideways
  // (WCAG 1.4.10 reflow: documentElement.scrollWidth is at most the viewport's width).
  report.narrow = {};
  report.scrollWidth = {};
  report.filtersOpen = {};
  for (const width of [390, 320]) {
    await page.setViewportSize({ width, height: 640 });
    report.narrow[width] = {};
    report.scrollWidth[width] = {};
    for (const path of pages) {
      await page.goto(base + path);
      report.scrollWidth[width][path] = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      }));
      report.narrow[width][path] = result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }));
      // On a phone the filters are closed; opened, they must fit and pass axe too.
      if (width === 320 && await page.$("#filters > summary")) {
        await page.click("#filters > summary");
        const open = await page.evaluate(() => window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        }));
        report.filtersOpen[path] = {
          scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth),
          violations: open.violations.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })),
        };
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  if (staffPages.length) {
    await axeContext.addCookies([{ name: "lantern_session", value: process.env.STAFF_COOKIE, url: base }]);
    for (const path of staffPages) { await checkAxe(path); }
    // The console works on a phone: at 320 px nothing makes the page scroll sideways.
    report.widthAt320 = {};
    await page.setViewportSize({ width: 320, height: 640 });
    for (const path of staffPages) {
      await page.goto(base + path);
      report.widthAt320[path] = await page.evaluate(() => document.documentElement.scrollWidth);
    }
  }
  await axeContext.close();

  const context = await browser.newContext();
  const tab = await context.newPage();
  tab.on("console", (m) => { if (m.type() === "error") report.errors.push(m.text()); });
  await tab.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<title>e-book</title>e-book" }));
  const step = (what, ok, detail = "") => report.journey.push({ what, ok, detail });
  const focused = () => tab.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName, id: el.id, cls: el.className, value: el.value || "",
      text: (el.textContent || "").trim(),
      href: el.getAttribute("href") || "", outline: style.outlineStyle + " " + style.outlineWidth };
  });
  // Every Tab press of the reader's journey is counted (report.tabs): with the skip links it
  // must stay short. shift: Shift+Tab, which moves back and counts as a press too.
  report.tabs = 0;
  report.tabsAt = {};
  async function tabUntil(test, limit = 600, shift = false) {
    for (let i = 0; i < limit; i++) {
      await tab.keyboard.press(shift ? "Shift+Tab" : "Tab");
      report.tabs += 1;
      const f = await focused();
      if (test(f)) { return f; }
    }
    return null;
  }
  const navigate = (key) => Promise.all([tab.waitForNavigation(), tab.keyboard.press(key)]);

  await tab.goto(base + "/");
  const skip = await tabUntil((f) => f.cls.includes("skip-link"), 3);
  step("skip link is the first stop and visibly focused", !!skip && !skip.outline.startsWith("none"),
    skip ? skip.outline : "");
  const box = await tabUntil((f) => f.id === "q", 5);
  step("search box reached", !!box);
  await tab.keyboard.type("nursing");
  await navigate("Enter");
  step("results page", tab.url().includes("/search?q=nursing"), tab.url());
  report.tabsAt.search = report.tabs;
  const toFilters = await tabUntil((f) => f.href === "#filter-form", 1);
  step("skip link to the filters reached", !!toFilters);
  await tab.keyboard.press("Enter");
  const ebook = await tabUntil((f) => f.value === "format:E-book", 5);
  step("E-book facet checkbox reached", !!ebook);
  // One click: ticking the box applies it; the focus comes back to the same box afterwards.
  await navigate("Space");
  await tab.waitForFunction(() => document.activeElement && document.activeElement.value === "format:E-book");
  const back = await focused();
  const ticked = await tab.evaluate(() => document.activeElement.checked);
  step("facet applied at once, focus back on its box", decodeURIComponent(tab.url()).includes("filter=format:E-book") &&
    back.value === "format:E-book" && ticked, tab.url() + " " + back.value);
  step("no empty parameters in the URL", !/=(&|$)/.test(tab.url().split("?")[1].replace(/^q=[^&]+/, "")), tab.url());
  report.tabsAt.filter = report.tabs;
  const toResults = await tabUntil((f) => f.href === "#result-list", 3);
  step("link from the filters to the results reached", !!toResults);
  await tab.keyboard.press("Enter");
  const result = await tabUntil((f) => f.href.startsWith("/record/"), 3);
  step("first result link reached", !!result, result ? result.href : "");
  await navigate("Enter");
  step("record page", tab.url().includes("/record/"), tab.url());
  report.tabsAt.record = report.tabs;
  const toMain = await tabUntil((f) => f.cls.includes("skip-link"), 3);
  step("record page's skip link reached", !!toMain);
  await tab.keyboard.press("Enter");
  const online = await tabUntil((f) => f.cls.includes("online-link"), 15);
  step("e-book link reached", !!online, online ? online.href : "");
  const recordUrl = tab.url();
  await navigate("Enter");
  step("e-book opened through the proxy", tab.url().includes("openathens") || tab.url().includes("redirector"), tab.url());
  report.tabsAt.ebook = report.tabs;
  await tab.goBack();
  step("back on the record page", tab.url() === recordUrl, tab.url());
  // Back from the e-book: with the focus still on its link, "back to results" is above it;
  // on a page loaded afresh, the skip link leads to it.
  const onLink = (await focused()).cls.includes("online-link");
  if (!onLink && await tabUntil((f) => f.cls.includes("skip-link"), 3)) { await tab.keyboard.press("Enter"); }
  const toList = await tabUntil((f) => f.cls.includes("back-to-results"), 15, onLink);
  step("back-to-results link reached", !!toList, toList ? toList.href : "");
  if (toList) {
    await navigate("Enter");
    step("back at the filtered results", decodeURIComponent(tab.url()).includes("filter=format:E-book") &&
      tab.url().includes("/search?"), tab.url());
  }
  report.tabsAt.back = report.tabs;

  // The sort menu applies itself too, and the focus comes back to it.
  await tab.goto(base + "/search?q=nursing");
  await tab.focus("#sort");
  await navigate("ArrowDown");
  await tab.waitForFunction(() => document.activeElement && document.activeElement.id === "sort");
  step("sort applied at once, focus back on the menu", tab.url().includes("sort="), tab.url());
  // "Show all" fetches a facet's every value in place; the focus goes to the first new one.
  const before = tab.url();
  await tab.focus("#facet-author a.more");
  await tab.keyboard.press("Enter");
  await tab.waitForFunction(() => document.querySelectorAll("#facet-author li").length > 5);
  const sixth = await tab.evaluate(() => document.activeElement === document.querySelectorAll("#facet-author li input")[5]);
  step("every author shown in place, focus on the sixth", tab.url() === before && sixth, tab.url());
  // Without JavaScript the buttons do it, and the server strips empty fields from the URL.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await noJs.goto(base + "/search?q=nursing");
  await noJs.click("#filters > summary");
  await noJs.check("input[value='format:E-book']");
  await Promise.all([noJs.waitForNavigation(), noJs.click("#apply-filters")]);
  const sent = decodeURIComponent(noJs.url());
  step("without JavaScript: Apply filters, and a clean URL", sent.includes("filter=format:E-book") &&
    !sent.includes("year_from") && !/=(&|$)/.test(sent), sent);
  await plain.close();

  if (process.env.STAFF_USER) {
    // A librarian signs in to the console with the keyboard alone.
    await tab.goto(base + "/staff/login");
    const user = await tabUntil((f) => f.id === "username", 30);
    step("staff username field reached", !!user);
    await tab.keyboard.type(process.env.STAFF_USER);
    await tab.keyboard.press("Tab");
    const password = await focused();
    step("password field is the next stop", password.id === "password", password.id);
    await tab.keyboard.type(process.env.STAFF_PASSWORD);
    await Promise.all([tab.waitForNavigation(), tab.keyboard.press("Enter")]);
    step("signed in to the console", new URL(tab.url()).pathname === "/staff/", tab.url());
    const audit = await tabUntil((f) => f.href === "/staff/audit", 40);
    step("audit log link reached", !!audit);
    await Promise.all([tab.waitForNavigation(), tab.keyboard.press("Enter")]);
    step("audit log opened", tab.url().endsWith("/staff/audit"), tab.url());
    // An editor (or admin) rates a result on the ordinary results page by keyboard.
    await tab.goto(base + "/search?q=nursing");
    const grade = await tabUntil((f) => f.tag === "BUTTON" && f.text === "2 relevant", 200);
    step("rate-this-result button reached", !!grade);
    await Promise.all([tab.waitForNavigation(), tab.keyboard.press("Enter")]);
    const rated = await tab.locator(".rate-done").first().textContent().catch(() => "");
    step("result rated, back at it", tab.url().includes("/search?q=nursing#rate-") &&
      rated.startsWith("Rated 2 (relevant)"), tab.url() + " " + rated);
    await tab.goto(base + "/staff/");
    const signOut = await tabUntil((f) => f.tag === "BUTTON" && f.text === "Sign out", 40);
    step("sign-out button reached", !!signOut);
    await Promise.all([tab.waitForNavigation(), tab.keyboard.press("Enter")]);
    step("signed out", tab.url().includes("/staff/login?signed_out=1"), tab.url());
  }

  if (process.env.LIVE_PATHS) {
    // Copies as they are now: a copy whose library's system says it was lent is shown on loan,
    // in place of the export's status, once the page has asked /availability/now.
    report.live = {};
    for (const path of JSON.parse(process.env.LIVE_PATHS)) {
      await tab.goto(base + path);
      const selector = `[data-copy="${process.env.LIVE_KEY}"]`;
      const shown = await tab.waitForFunction((s) => {
        const el = document.querySelector(s);
        return el && el.className === "status-on_loan" ? el.textContent : null;
      }, selector, { timeout: 5000 }).then((h) => h.jsonValue()).catch(() => null);
      report.live[path] = {
        shown,
        age: await tab.evaluate((s) => {
          const el = document.querySelector(s);
          const age = el && el.parentNode.querySelector(".as-of");
          return age ? age.textContent : null;
        }, selector),
        note: await tab.evaluate(() => (document.getElementById("live-note") || {}).textContent || ""),
        // each library's table: [a copy on the shelf now, its "Available" badge hidden]
        tables: await tab.evaluate(() => Array.from(document.querySelectorAll("table.holdings"))
          .filter((t) => t.querySelector("caption .badge.available"))
          .map((t) => [!!t.querySelector(".status-available"), t.querySelector("caption .badge").hidden])),
      };
    }
  }
} catch (err) {
  report.errors.push(String(err && err.stack || err));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
