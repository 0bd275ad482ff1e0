import { expect, test } from "@playwright/test";
import { farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

test("a new file is opened, found by name, and reads back from the database", async ({ page }) => {
  const name = uniqueName("赵");
  const idNumber = uniqueIdNumber();
  const phone = uniquePhone();

  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name, idNumber, phone });
  await page.getByRole("button", { name: "提交" }).click();

  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  const code = (await page.getByTestId("archive-code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^NH-510104-\d{5}$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  await openReady(page, "/customers");
  await page.getByLabel("查找").fill(name);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/[?&]q=/);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(code);
  await expect(row).toContainText("农户");
  await expect(page.getByText("共 1 条")).toBeVisible();

  await row.getByRole("link", { name: code }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}$`));
  await page.reload();
  // A tap before the page is interactive would be lost.
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
  await expect(page.getByTestId("archive-code")).toHaveText(code);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  // Personal values are masked until revealed, and revealing is one tap.
  const maskedPhone = `${phone.slice(0, 3)}****${phone.slice(7)}`;
  await expect(page.getByTestId("fact-phone")).toHaveText(maskedPhone);
  await expect(page.getByTestId("fact-id_number")).toHaveText(
    `${idNumber.slice(0, 3)}***********${idNumber.slice(14)}`,
  );
  await page.getByRole("button", { name: "显示完整联系电话" }).click();
  await expect(page.getByTestId("fact-phone")).toHaveText(phone);
  await page.getByRole("button", { name: "显示完整联系电话" }).click();
  await expect(page.getByTestId("fact-phone")).toHaveText(maskedPhone);
  await expect(page.getByText("12.50 亩")).toBeVisible();
  await expect(page.getByText("锦江区三圣街道红砂村 3 组")).toBeVisible();
});

test("an empty name is shown next to its field and the other values stay typed", async ({ page }) => {
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name: "" });
  await page.getByRole("button", { name: "提交" }).click();

  await expect(page.locator("#name-error")).toHaveText("请填写姓名或单位名称");
  await expect(page.getByLabel("姓名/单位名称")).toBeFocused();
  await expect(page).toHaveURL(/\/intake$/);
  await expect(page.getByLabel("联系电话")).toHaveValue("138 1234 5678");
  await expect(page.getByLabel("证件号码")).toHaveValue("11010519491231002X");
  await expect(page.getByLabel("地区码")).toHaveValue("510104");
  await expect(page.getByLabel("土地总面积（亩）")).toHaveValue("12.5");
  await expect(page.getByLabel("客户类别")).toHaveValue("farmer");
  // What the ID number tells is shown as it is typed.
  await expect(page.getByTestId("id-facts")).toHaveText("出生日期 1949-12-31 · 女");

  // Mending the field lets its error go.
  await page.getByLabel("姓名/单位名称").fill(uniqueName("钱"));
  await expect(page.locator("#name-error")).not.toContainText("请填写");
});

test("a wrong ID check digit is refused in Chinese before anything is sent", async ({ page }) => {
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name: uniqueName("孙"), idNumber: "110105194912310021" });
  await page.getByRole("button", { name: "提交" }).click();

  await expect(page.locator("#id_number-error")).toContainText("校验位不正确");
  await expect(page).toHaveURL(/\/intake$/);
});

test("a half-typed form survives a reload as a draft", async ({ page }) => {
  const name = uniqueName("李");
  await openReady(page, "/intake");
  await fillIntake(page, { name, phone: "13900001111" });

  await page.reload();
  await expect(page.locator("body[data-hydrated]")).toBeAttached();

  await expect(page.getByRole("status").filter({ hasText: "已恢复" })).toBeVisible();
  await expect(page.getByLabel("姓名/单位名称")).toHaveValue(name);
  await expect(page.getByLabel("联系电话")).toHaveValue("13900001111");
  await page.getByRole("button", { name: "重置" }).click();
});

test("a region is chosen by tapping through the levels or by typing its name", async ({ page }) => {
  await openReady(page, "/intake");

  await page.getByLabel("省级").selectOption({ label: "四川省" });
  await page.getByLabel("地级").selectOption({ label: "成都市" });
  await page.getByLabel("县级").selectOption({ label: "武侯区" });
  await expect(page.getByLabel("地区码")).toHaveValue("510107");
  await expect(page.getByTestId("region-name")).toHaveText("四川省 成都市 武侯区");

  await page.getByLabel("按名称查找地区").fill("锦江");
  await page.getByRole("button", { name: "四川省 成都市 锦江区 510104" }).click();
  await expect(page.getByLabel("地区码")).toHaveValue("510104");
  await expect(page.getByTestId("region-name")).toHaveText("四川省 成都市 锦江区");

  await page.getByLabel("地区码").fill("510199");
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page.locator("#region-error")).toContainText("不在现行行政区划代码表中");
  await page.getByRole("button", { name: "重置" }).click();
});

test("a possible duplicate is shown before saving, and can be saved after checking", async ({ page }) => {
  const phone = uniquePhone();
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name: uniqueName("周"), idNumber: uniqueIdNumber(), phone });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  const first = (await page.getByTestId("archive-code").textContent())?.trim() ?? "";

  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name: uniqueName("吴"), idNumber: uniqueIdNumber(), phone });
  await page.getByRole("button", { name: "提交" }).click();
  const panel = page.getByRole("alert").filter({ hasText: "可能重复的档案" });
  await expect(panel).toContainText(first);
  await expect(panel).toContainText("联系电话相同");
  await expect(page).toHaveURL(/\/intake$/);

  await page.getByRole("button", { name: "确认不是同一客户，继续保存" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  await expect(page.getByTestId("archive-code")).not.toHaveText(first);
});
