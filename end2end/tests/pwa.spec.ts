import { expect, test } from "@playwright/test";
import { openReady } from "./helpers";

test("the app installs: manifest in Chinese and a service worker that controls the page", async ({
  page,
  request,
}) => {
  await openReady(page, "/");

  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
  const manifest = await (await request.get(manifestHref ?? "")).json();
  expect(manifest.short_name).toBe("农档");
  expect(manifest.lang).toBe("zh-CN");
  expect(manifest.icons.map((icon: { sizes: string }) => icon.sizes)).toEqual(
    expect.arrayContaining(["192x192", "512x512"]),
  );

  const worker = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.scriptURL ?? "";
  });
  expect(worker).toMatch(/\/sw\.js$/);
});

test("the navigation collapses to a bottom bar on a tablet in portrait", async ({ page }, info) => {
  await openReady(page, "/");
  const nav = page.getByRole("navigation", { name: "主导航" });
  const box = await nav.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport).toBeTruthy();
  if (info.project.name === "tablet-portrait") {
    expect(box!.y + box!.height).toBeGreaterThan(viewport!.height - 100);
  } else {
    expect(box!.x).toBe(0);
    expect(box!.height).toBeGreaterThan(viewport!.height / 2);
  }
  for (const link of await nav.getByRole("link").all()) {
    const size = await link.boundingBox();
    expect(size!.height).toBeGreaterThanOrEqual(44);
  }
});
