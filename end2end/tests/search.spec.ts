import { expect, test } from "@playwright/test";
import { farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

/** The pinyin initials of a name made by `uniqueName("蒲")`. */
function initials(name: string): string {
  const of: Record<string, string> = {
    蒲: "p",
    零: "l",
    一: "y",
    二: "e",
    三: "s",
    四: "s",
    五: "w",
    六: "l",
    七: "q",
    八: "b",
    九: "j",
  };
  return [...name].map((c) => of[c] ?? "").join("");
}

async function intake(page: import("@playwright/test").Page, name: string): Promise<string> {
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name, idNumber: uniqueIdNumber(), phone: uniquePhone() });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  return (await page.getByTestId("archive-code").textContent())?.trim() ?? "";
}

test("pinyin initials find the file, and the back button brings the search back", async ({ page }) => {
  const name = uniqueName("蒲");
  const code = await intake(page, name);
  const typed = initials(name);
  expect(typed).toHaveLength(name.length);

  await openReady(page, "/customers");
  await page.getByLabel("查找").fill(typed.toUpperCase());
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${typed.toUpperCase()}`));
  const results = page.getByTestId("search-results");
  await expect(results).toContainText(code);
  await expect(results).toContainText(name);

  // A second search, narrowed by a filter, then back to the first.
  await page.getByText("筛选与排序").click();
  await page.getByLabel("客户类别").selectOption("dealer");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/group=dealer/);
  await expect(page.getByText("没有找到符合条件的档案。")).toBeVisible();

  await page.goBack();
  await expect(page).not.toHaveURL(/group=dealer/);
  await expect(page.getByTestId("search-results")).toContainText(code);
  await expect(page.getByLabel("查找")).toHaveValue(typed.toUpperCase());
});

test("a bar of the analysis opens the files behind it", async ({ page }) => {
  const name = uniqueName("蒲");
  const code = await intake(page, name);

  await openReady(page, "/analysis");
  await expect(page.getByTestId("analysis-total")).toContainText("份档案");
  const county = page.locator('[data-testid="bar"][data-label="成都市 锦江区"]');
  await expect(county).toBeVisible();
  await county.locator("a").click();

  await expect(page).toHaveURL(/\/customers\?region=510104$/);
  await expect(page.getByTestId("search-results")).toBeVisible();
  await expect(page.getByTestId("page-count")).toContainText("条");
  // The file just opened is among them, found by its code.
  await page.getByLabel("查找").fill(code);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByTestId("search-results")).toContainText(code);

  // The same numbers are there as a table, and back leads to the charts.
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/analysis$/);
  const table = page.locator("figure").filter({ hasText: "地区分布" }).locator("details");
  await table.locator("summary").click();
  await expect(table.locator("table")).toContainText("成都市 锦江区");
});
