import { expect, test } from "@playwright/test";
import { ARCHIVIST, AUDITOR_STATE } from "./accounts";
import { farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

test("an auditor filters the trail to one user's reveals", async ({ page, browser }) => {
  // The archivist opens a file and looks at its phone in full.
  await openReady(page, "/intake");
  await fillIntake(page, { ...farmer, name: uniqueName("蒋"), idNumber: uniqueIdNumber(), phone: uniquePhone() });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  const code = (await page.getByTestId("archive-code").textContent())?.trim() ?? "";
  await page.getByRole("button", { name: "显示完整联系电话" }).click();
  await expect(page.getByTestId("fact-phone")).not.toContainText("*");

  const auditorContext = await browser.newContext({ storageState: AUDITOR_STATE });
  const auditor = await auditorContext.newPage();
  // The auditor's home page says how many alerts wait.
  await openReady(auditor, "/");
  await expect(auditor.getByTestId("alerts-tile")).toContainText("预警");
  await auditor.getByTestId("alerts-tile").click();
  await expect(auditor).toHaveURL(/\/audit$/);
  await expect(auditor.locator("body[data-hydrated]")).toBeAttached();
  await auditor.getByLabel("用户").fill(ARCHIVIST.username);
  await auditor.getByLabel("操作").selectOption({ label: "查看完整信息" });
  await auditor.getByRole("button", { name: "筛选" }).click();

  await expect(auditor).toHaveURL(/username=e2e\.clerk/);
  await expect(auditor).toHaveURL(/action=reveal/);
  const rows = auditor.getByTestId("audit-events").locator("tbody tr");
  await expect(rows.first()).toContainText(code);
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i)).toContainText("查看完整信息");
    await expect(rows.nth(i)).toContainText(ARCHIVIST.username);
  }
  // Nothing personal is in the trail: the phone shows nowhere.
  await expect(auditor.getByTestId("audit-events")).not.toContainText(/1[3-9]\d{9}/);

  // Everything that happened to the one file, from its code.
  await rows.first().getByRole("link", { name: code }).click();
  await expect(auditor).toHaveURL(new RegExp(`target=${code}`));
  await expect(auditor.getByTestId("audit-events")).toContainText("新建档案");

  await auditor.getByRole("button", { name: "立即校验" }).click();
  await expect(auditor.getByTestId("chain-report")).toContainText("审计记录完整");
  await auditorContext.close();
});
