import { expect, test } from "@playwright/test";
import { SENSITIVE_CONSENT, farmer, fillIntake, openReady, uniqueIdNumber, uniqueName, uniquePhone } from "./helpers";

test("consent is signed on the tablet at intake, printed on the form, and withdrawn", async ({ page }) => {
  const name = uniqueName("柳");
  await openReady(page, "/intake");
  await fillIntake(page, {
    ...farmer,
    name,
    idNumber: uniqueIdNumber(),
    phone: uniquePhone(),
    purposes: ["社员管理", "信用评估", "政府补贴申报"],
    consentPaper: undefined,
  });
  await page.getByLabel(SENSITIVE_CONSENT).check();
  await page.getByLabel("同意方式").selectOption("signature");

  // Unsigned, the form says what is missing before anything is sent.
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page.locator("#consent-error")).toContainText("签名");
  await expect(page).toHaveURL(/\/intake$/);

  // The customer signs with a finger: a stroke across the pad.
  const pad = page.getByTestId("signature-pad");
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error("the signature pad is not on screen");
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(box.x + box.width * (0.1 + i * 0.06), box.y + box.height * (0.7 - (i % 3) * 0.15));
  }
  await page.mouse.up();
  await expect(pad.locator(".signature-ink")).toHaveAttribute("d", /^M \d+ \d+( L \d+ \d+)+$/);

  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  const code = (await page.getByTestId("archive-code").textContent())?.trim() ?? "";

  const consents = page.getByTestId("consents");
  await expect(consents.locator("tr[data-purpose=subsidy]")).toContainText("平板屏幕签名");
  await expect(consents.locator("tr[data-purpose=sensitive]")).toContainText("有效");
  await expect(consents.locator("tr[data-purpose=membership] .signature-view path")).toHaveAttribute(
    "d",
    /^M \d+ \d+/,
  );

  // The printed consent form is made out to the person, consents ticked.
  await consents.getByRole("link", { name: "打印同意书" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${code}/consent-form$`));
  const sheet = page.getByTestId("consent-sheet");
  await expect(sheet).toContainText(name);
  await expect(sheet).toContainText(code);
  await expect(sheet.locator("tr[data-purpose=subsidy] .tick")).toHaveText("☑");
  await expect(sheet.locator("tr[data-purpose=purchase] .tick")).toHaveText("☐");
  await expect(sheet).toContainText("个工作日内答复");
  await page.emulateMedia({ media: "print" });
  await expect(sheet).toBeVisible();
  await expect(page.locator(".side-nav")).toBeHidden();
  await expect(page.getByRole("button", { name: "打印同意书" })).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  // A withdrawal takes the file off the subsidy roster, with the reason.
  await openReady(page, `/customers/${code}`);
  const subsidy = page.getByTestId("consents").locator("tr[data-purpose=subsidy]");
  // The card's rows hydrate once their data is in; a tap before that is
  // lost, so tap until the withdrawal form opens.
  const note = subsidy.getByLabel("撤回方式");
  await expect(async () => {
    if (!(await note.isVisible())) {
      await subsidy.getByRole("button", { name: "撤回“政府补贴申报”" }).click();
    }
    await expect(note).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await note.fill("本人来电");
  await subsidy.getByRole("button", { name: "撤回“政府补贴申报”" }).click();
  // The page reloads with the withdrawal recorded.
  await expect(page.getByTestId("consents").locator("tr[data-purpose=subsidy]")).toContainText(/已于 \d{4}-\d{2}-\d{2} 撤回/);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();

  await openReady(page, "/subsidy-roster?region=510104");
  await expect(page.getByTestId("roster-refused")).toContainText(code);
  await expect(page.getByTestId("roster-refused")).toContainText("撤回");
});

test("a file with an ID number is not saved without consent or a legal basis", async ({ page }) => {
  await openReady(page, "/intake");
  await fillIntake(page, {
    ...farmer,
    name: uniqueName("冯"),
    idNumber: uniqueIdNumber(),
    // A phone of its own: the shared one would first ask to confirm
    // possible duplicates.
    phone: uniquePhone(),
    purposes: [],
    consentPaper: undefined,
  });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page.locator("#consent-error")).toContainText("敏感个人信息");
  await expect(page).toHaveURL(/\/intake$/);

  // A legal basis stands in for the separate consent.
  await page.getByLabel("或：法定处理依据").selectOption({ label: "履行合同所必需" });
  await page.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/customers\/NH-510104-\d{5}$/);
  await expect(page.getByTestId("consents").locator("tr[data-purpose=sensitive]")).toContainText(
    "履行合同所必需",
  );
});
