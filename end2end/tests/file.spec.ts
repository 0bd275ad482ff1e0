import { expect, test, type Page } from "@playwright/test";
import { farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

/** Adds a row to one of the form's lists and fills it. */
async function addRow(page: Page, list: "member" | "parcel", values: Record<string, string>) {
  await page.getByTestId(`add-${list}`).click();
  const row = page.getByTestId(`${list}-row`).last();
  for (const [label, value] of Object.entries(values)) {
    const control = row.getByLabel(label);
    if ((await control.evaluate((e) => e.tagName)) === "SELECT") {
      await control.selectOption({ label: value });
    } else {
      await control.fill(value);
    }
  }
}

test("a full farmer file is saved, its credit changed with a reason, and the change kept", async ({
  page,
}) => {
  const name = uniqueName("冯");
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name, idNumber: uniqueIdNumber(), phone: uniquePhone() });
  await addRow(page, "member", { 姓名: "李梅", 关系: "配偶", 身份证号: uniqueIdNumber() });
  await addRow(page, "member", { 姓名: "冯小明", 关系: "子女", 劳动力: "否" });
  await addRow(page, "parcel", { 位置: "村东大田", "面积（亩）": "8", 作物: "水稻", 经营方式: "承包地" });
  await addRow(page, "parcel", { 位置: "河边坡地", "面积（亩）": "4.5", 作物: "油菜", 经营方式: "流转转入" });
  await page.getByLabel("农资采购").check();
  await page.getByLabel("信用等级", { exact: true }).selectOption({ label: "A 级（优秀）" });
  await page.getByLabel("评定依据").fill("三年按时结清货款");
  await page.getByLabel("档案柜").fill("3");
  await page.getByRole("button", { name: "提交" }).click();

  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  const code = (await page.getByTestId("archive-code").textContent())?.trim() ?? "";
  const household = page.getByTestId("household");
  await expect(household.getByRole("row")).toHaveCount(3);
  await expect(household).toContainText("李梅");
  await expect(household).toContainText("***********");
  await expect(page.getByTestId("parcels").getByRole("row")).toHaveCount(3);
  await expect(page.getByTestId("parcels")).toContainText("流转转入");
  await expect(page.getByText("A 级（优秀）")).toBeVisible();

  await page.getByRole("link", { name: "修改档案" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}/edit$`));
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  // Personal values show masked on the edit form and are kept as they are.
  await expect(page.getByLabel("联系电话")).toHaveValue(/\*{4}/);
  await expect(page.getByTestId("member-row")).toHaveCount(2);
  await page.getByLabel("信用等级", { exact: true }).selectOption({ label: "C 级（一般）" });
  await page.getByLabel("评定依据").fill("2026 年货款逾期三个月");
  await page.getByRole("button", { name: "保存修改" }).click();
  await expect(page.locator("#reason-error")).toContainText("请写明修改原因");

  await page.getByLabel("修改原因", { exact: true }).fill("货款逾期，经理事会评定");
  await page.getByRole("button", { name: "保存修改" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}$`));
  const latest = page.getByTestId("history-entry").first();
  await expect(latest).toContainText("第 2 版");
  await expect(latest).toContainText("原因：货款逾期，经理事会评定");
  await expect(latest).toContainText("信用状况");
  await expect(latest).toContainText("C 级（一般）：2026 年货款逾期三个月");
  await expect(page.getByTestId("history-entry")).toHaveCount(2);

  await page.getByRole("link", { name: "打印档案封面" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}/cover$`));
  await expect(page.getByTestId("cover-code")).toHaveText(code);
  await page.emulateMedia({ media: "print" });
  const qr = page.getByTestId("cover-qr").locator("svg");
  await expect(qr).toBeVisible();
  const box = await qr.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(100);
  await expect(page.locator(".app-bar")).toBeHidden();
  await expect(page.getByRole("button", { name: "打印封面" })).toBeHidden();
  await expect(page.getByTestId("cover-sheet")).toContainText("C 级（一般）");
});

test("rows of a half-typed file come back with the draft after a reload", async ({ page }) => {
  const name = uniqueName("褚");
  await openReady(page, "/intake");
  await fillIntake(page, { name, landArea: "5" });
  await addRow(page, "parcel", { 位置: "村西", "面积（亩）": "6", 经营方式: "其他" });
  await expect(page.getByTestId("parcels-warning")).toContainText("大于土地总面积");

  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();

  await expect(page.getByRole("status").filter({ hasText: "已恢复" })).toBeVisible();
  await expect(page.getByLabel("姓名/单位名称")).toHaveValue(name);
  const parcel = page.getByTestId("parcel-row");
  await expect(parcel).toHaveCount(1);
  await expect(parcel.getByLabel("位置")).toHaveValue("村西");
  await expect(parcel.getByLabel("面积（亩）")).toHaveValue("6");
  await page.getByRole("button", { name: "重置" }).click();
  await expect(page.getByTestId("parcel-row")).toHaveCount(0);
});
