import { expect, test } from "@playwright/test";
import { farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

// The archive starts with demo files opened over the past half year
// (`nongdang seed-demo`), so some are overdue for verification.

test("an overdue file is verified in two taps and leaves the due list", async ({ page }) => {
  await openReady(page, "/due");
  await expect(page.getByTestId("due-counts")).toContainText("份已逾期");
  const first = page.getByTestId("due-list").locator("tbody tr").first();
  await expect(first).toContainText("已逾期");
  const code = (await first.locator("td").first().textContent())?.trim() ?? "";
  expect(code).toMatch(/^NH-510104-\d{5}$/);

  await first.getByRole("link", { name: "核对" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}/verify$`));
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await expect(page.getByLabel(/信息无误/)).toBeChecked();
  await expect(page.getByTestId("corrections")).toBeHidden();
  await page.getByTestId("save-verification").click();

  await expect(page).toHaveURL(/\/due\?verified=/);
  await expect(page.getByTestId("verified-notice")).toContainText(code);
  await expect(page.getByTestId("due-list")).not.toContainText(code);

  await openReady(page, `/customers/${code}`);
  await expect(page.getByTestId("verifications")).toContainText("信息无误");
  await expect(page.getByTestId("next-verification")).toContainText("下次核对");
});

test("a correction at verification is saved as a new version of the file", async ({ page }) => {
  await openReady(page, "/due");
  const first = page.getByTestId("due-list").locator("tbody tr").first();
  const code = (await first.locator("td").first().textContent())?.trim() ?? "";
  await first.getByRole("link", { name: "核对" }).click();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();

  await page.getByLabel(/有变化/).check();
  await expect(page.getByTestId("corrections")).toBeVisible();
  await page.getByLabel("土地总面积（亩）").fill("abc");
  await page.getByTestId("save-verification").click();
  await expect(page.locator("#land_area-error")).not.toBeEmpty();
  await page.getByLabel("土地总面积（亩）").fill("23.5");
  await page.getByTestId("save-verification").click();
  await expect(page).toHaveURL(/\/due\?verified=/);

  await openReady(page, `/customers/${code}`);
  await expect(page.getByTestId("verifications")).toContainText("已更正");
  const latest = page.getByTestId("history-entry").first();
  await expect(latest).toContainText("定期核对");
  await expect(latest).toContainText("23.5");
});

test("an issue is added to a file, resolved, and the timeline keeps both steps", async ({ page }) => {
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name: uniqueName("蒋"), idNumber: uniqueIdNumber(), phone: uniquePhone() });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  const fileUrl = page.url();

  const title = uniqueName("化肥结块");
  const form = page.getByTestId("add-entry");
  await expect(form.getByLabel("类型")).toHaveValue("issue");
  await form.getByLabel("内容摘要").fill(title);
  await form.getByLabel("详细说明").fill("第二批复合肥受潮结块，无法撒施");
  await form.getByLabel("截止日期").fill("2027-01-10");
  await form.getByRole("button", { name: "添加记录" }).click();

  const entry = page.getByTestId("timeline-entry").filter({ hasText: title });
  await expect(entry.getByTestId("entry-status")).toHaveText("待处理");

  await openReady(page, "/follow-ups");
  await expect(page.getByTestId("tasks")).toContainText(title);
  await page.getByRole("link", { name: title }).click();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  expect(page.url().startsWith(fileUrl)).toBe(true);

  await entry.getByLabel("更新状态").selectOption({ label: "已解决" });
  await entry.getByLabel("说明", { exact: true }).fill("供货商换发新批次，已送到农户家");
  await entry.getByRole("button", { name: "保存", exact: true }).click();
  await expect(entry.getByTestId("entry-status")).toHaveText("已解决");
  const steps = entry.getByTestId("entry-steps").locator("li");
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toContainText("记录");
  await expect(steps.nth(1)).toContainText("改为“已解决”：供货商换发新批次，已送到农户家");

  await openReady(page, "/follow-ups");
  await expect(page.getByText(title)).toHaveCount(0);
});

test("feedback is sent from the page it is about and listed for its sender", async ({ page }) => {
  await openReady(page, "/customers");
  await page.getByTestId("feedback-link").click();
  await expect(page).toHaveURL(/\/feedback\?from=%2Fcustomers$/);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await expect(page.getByLabel("所在页面")).toHaveValue("/customers");
  const text = uniqueName("希望查询结果能按村排序");
  await page.getByLabel("建议", { exact: true }).fill(text);
  await page.getByRole("button", { name: "提交反馈" }).click();
  await expect(page.getByTestId("feedback-sent")).toBeVisible();
  const mine = page.getByTestId("feedback-item").filter({ hasText: text });
  await expect(mine).toContainText("待处理");
  await expect(mine).toContainText("页面 /customers");
});

test("the data-quality report lists regions and prints without the app frame", async ({ page }) => {
  await openReady(page, "/quality");
  await expect(page.getByTestId("by-region")).toContainText("锦江区");
  await expect(page.getByTestId("by-person")).toBeVisible();
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".app-bar")).toBeHidden();
  await expect(page.getByRole("button", { name: "导出 XLSX" })).toBeHidden();
  await expect(page.getByTestId("by-region")).toBeVisible();
});
