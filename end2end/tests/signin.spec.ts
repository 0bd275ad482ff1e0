import { expect, test } from "@playwright/test";
import { ARCHIVIST } from "./accounts";

test.describe("without a session", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a page sends you to sign in, and back to it afterwards", async ({ page }) => {
    await page.goto("/intake");
    await expect(page).toHaveURL(/\/login\?next=%2Fintake$/);
    await expect(page.locator("body[data-hydrated]")).toBeAttached();

    await page.getByLabel("用户名").fill(ARCHIVIST.username);
    await page.getByLabel("密码", { exact: true }).fill("Wrong-pass-2026");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByRole("alert")).toContainText("用户名或密码不正确");

    await page.getByLabel("密码", { exact: true }).fill(ARCHIVIST.password);
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/intake$/);
    await expect(page.getByTestId("signed-in-user")).toContainText(ARCHIVIST.displayName);

    // A half-typed intake holds personal data: signing out takes it away.
    await expect(page.locator("body[data-hydrated]")).toBeAttached();
    await page.getByLabel("证件号码").fill("11010519491231002X");
    await expect
      .poll(() => page.evaluate(() => sessionStorage.getItem("nongdang.intake.draft") ?? ""))
      .toContain("11010519491231002X");
    await page.getByRole("button", { name: "退出" }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.goto("/customers");
    await expect(page).toHaveURL(/\/login\?next=/);
  });

  test("the administrator opens an account on the users page", async ({ page }) => {
    const username = `e2e.u${Date.now() % 1_000_000}`;
    await page.goto("/login?next=%2Fadmin%2Fusers");
    await expect(page.locator("body[data-hydrated]")).toBeAttached();
    await page.getByLabel("用户名").fill(process.env.NONGDANG_E2E_ADMIN ?? "");
    await page.getByLabel("密码", { exact: true }).fill(process.env.NONGDANG_E2E_ADMIN_PASSWORD ?? "");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.locator("body[data-hydrated]")).toBeAttached();
    // The administrator sees no customer files.
    await expect(page.getByRole("link", { name: "档案查询" })).toHaveCount(0);

    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("姓名").fill("王芳");
    await page.getByLabel("角色").selectOption("staff");
    await page.getByLabel("负责地区").fill("510104");
    await page.getByLabel("初始密码").fill("short");
    await page.getByRole("button", { name: "确定" }).click();
    await expect(page.locator("#password-error")).toContainText("至少需要 12 个字符");
    await expect(page.getByLabel("用户名")).toHaveValue(username);

    await page.getByLabel("初始密码").fill("Initial-pass-2026");
    await page.getByRole("button", { name: "确定" }).click();
    const row = page.getByRole("row").filter({ hasText: username });
    await expect(row).toContainText("业务员");
    await expect(row).toContainText("510104");

    await row.getByRole("button", { name: "重置密码" }).click();
    const dialog = page.getByRole("dialog", { name: `为用户 ${username} 重置密码` });
    await dialog.getByLabel("新的初始密码").fill("short");
    await dialog.getByRole("button", { name: "确定" }).click();
    await expect(dialog).toContainText("至少需要 12 个字符");
    await dialog.getByLabel("新的初始密码").fill("Another-start-2026");
    await dialog.getByRole("button", { name: "确定" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByText("密码已重置")).toBeVisible();
  });
});
