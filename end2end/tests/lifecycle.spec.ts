import { expect, test } from "@playwright/test";
import { ADMIN_STATE, MANAGER_STATE } from "./accounts";
import { openReady } from "./helpers";

// The demo archive holds files whose relationship ended eleven years ago,
// past the farmers' ten years of retention.

test("an archivist proposes destruction, a manager approves, and the certificate is registered", async ({
  page,
  browser,
}) => {
  await openReady(page, "/disposal");
  const item = page.getByTestId("disposal-item").filter({ hasNot: page.getByTestId("proposal") }).first();
  await expect(item).toBeVisible();
  const code = (await item.getAttribute("data-code")) ?? "";
  expect(code).toMatch(/^NH-510104-\d{5}$/);
  await item.getByLabel("理由").fill("保留期已满，无未结事项");
  await item.getByRole("button", { name: "提交提议" }).click();
  const proposed = page.locator(`[data-code="${code}"]`);
  await expect(proposed.getByTestId("proposal")).toContainText("提议销毁");
  // The archivist cannot approve: there is no button for it.
  await expect(proposed.getByRole("button", { name: "批准" })).toHaveCount(0);

  const managerContext = await browser.newContext({ storageState: MANAGER_STATE });
  const manager = await managerContext.newPage();
  await openReady(manager, "/disposal");
  const pending = manager.locator(`[data-code="${code}"]`);
  await pending.getByLabel("审批意见").fill("同意销毁");
  await pending.getByRole("button", { name: "批准" }).click();
  await expect(manager.locator(`[data-code="${code}"]`)).toHaveCount(0);

  await openReady(manager, "/disposal/register");
  const certificate = manager.getByTestId("certificate").filter({ hasText: code });
  await expect(certificate).toContainText("10 年");
  await expect(certificate).toContainText("e2e.manager");
  await expect(certificate).toContainText("e2e.clerk");
  await managerContext.close();

  await openReady(page, `/customers/${code}`);
  await expect(page.getByText(/已于 .* 销毁/)).toBeVisible();
});

test.describe("as the administrator", () => {
  test.use({ storageState: ADMIN_STATE });

  test("a backup is taken from the page and checked by restoring it into a scratch database", async ({
    page,
  }) => {
    await openReady(page, "/admin/backups");
    const rows = page.getByTestId("backups").locator("tbody tr");
    const before = await rows.count().catch(() => 0);
    await page.getByTestId("create-backup").click();
    await expect(rows).toHaveCount(before + 1);
    const newest = rows.first();
    await expect(newest).toContainText("完好");
    await newest.getByRole("button", { name: "校验" }).click();
    await expect(page.getByTestId("check-result")).toContainText("可以完整恢复");
  });
});
