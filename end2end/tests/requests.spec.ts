import { expect, test } from "@playwright/test";
import { farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

test("an access request is registered, the person's copy produced, and the request answered", async ({
  page,
}) => {
  const name = uniqueName("曹");
  const phone = uniquePhone();
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name, idNumber: uniqueIdNumber(), phone });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  const code = (await page.getByTestId("archive-code").textContent())?.trim() ?? "";

  await openReady(page, "/requests");
  const form = page.getByTestId("register-request");
  await form.getByLabel("档案编号").fill(code);
  await form.getByLabel("请求类型").selectOption({ label: "查阅" });
  await form.getByLabel("请求人").fill(`${name}（本人）`);
  await form.getByLabel("身份核验方式").fill("核验身份证原件，与档案一致");
  await form.getByRole("button", { name: "登记" }).click();

  const item = page.getByTestId("request").filter({ hasText: code });
  await expect(item.getByTestId("request-status")).toHaveText("处理中");
  await expect(item).toContainText("答复期限");
  await item.getByRole("link", { name: "生成个人信息副本" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}/copy$`));
  const copy = page.getByTestId("copy");
  await expect(copy).toContainText(name);
  // The person's own copy shows the values in full.
  await expect(copy).toContainText(phone);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("download-copy")).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  await openReady(page, "/requests");
  const open = page.getByTestId("request").filter({ hasText: code });
  await open.getByLabel("答复").fill("已当面提供个人信息副本");
  await open.getByRole("button", { name: "答复并结案" }).click();
  await expect(open.getByTestId("request-status")).toHaveText("已答复");
});
