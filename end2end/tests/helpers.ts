import { expect, type Page } from "@playwright/test";

/** Opens a page and waits until it is interactive (hydrated). */
export async function openReady(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}

/** A name no other test has used against the same server. */
export function uniqueName(prefix: string): string {
  const digits = "零一二三四五六七八九";
  const n = `${Date.now() % 1_000_000}${Math.floor(Math.random() * 100)}`;
  return prefix + [...n].map((d) => digits[Number(d)]).join("");
}

export interface Intake {
  group?: string;
  name?: string;
  phone?: string;
  idKind?: string;
  idNumber?: string;
  region?: string;
  address?: string;
  landArea?: string;
  /** The paper consent form's reference: ticks the purposes below and the
   * separate consent for sensitive information. */
  consentPaper?: string;
  /** Purposes consented to, by the name the form shows. */
  purposes?: string[];
}

/** The label of the separate consent for sensitive information. */
export const SENSITIVE_CONSENT = "客户单独同意处理其身份证号、家庭成员证件号和信用状况";

/** Fills the intake form; fields left undefined stay as they are. */
export async function fillIntake(page: Page, values: Intake): Promise<void> {
  if (values.group !== undefined) await page.getByLabel("客户类别").selectOption(values.group);
  if (values.name !== undefined) await page.getByLabel("姓名/单位名称").fill(values.name);
  if (values.phone !== undefined) await page.getByLabel("联系电话").fill(values.phone);
  if (values.idKind !== undefined) await page.getByLabel("证件类型").selectOption(values.idKind);
  if (values.idNumber !== undefined) await page.getByLabel("证件号码").fill(values.idNumber);
  if (values.region !== undefined) await page.getByLabel("地区码").fill(values.region);
  if (values.address !== undefined) await page.getByLabel("详细地址").fill(values.address);
  if (values.landArea !== undefined) await page.getByLabel("土地总面积（亩）").fill(values.landArea);
  for (const purpose of values.purposes ?? []) {
    await page.getByRole("checkbox", { name: new RegExp(`^${purpose}`) }).check();
  }
  if (values.consentPaper !== undefined) {
    await page.getByLabel(SENSITIVE_CONSENT).check();
    await page.getByLabel("同意方式").selectOption("paper");
    await page.getByLabel("同意书存放编号").fill(values.consentPaper);
  }
}

/** A valid resident ID number (GB 11643) that no other test has used. */
export function uniqueIdNumber(): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const year = 1950 + Math.floor(Math.random() * 50);
  const order = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, "0");
  const first17 = `110105${year}05${day}${order}`;
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

/** A mobile number that no other test has used. */
export function uniquePhone(): string {
  return `137${String(Date.now() % 100_000_000).padStart(8, "0")}`;
}

export const farmer: Intake = {
  group: "farmer",
  phone: "138 1234 5678",
  idKind: "resident_id",
  idNumber: "11010519491231002X",
  region: "510104",
  address: "锦江区三圣街道红砂村 3 组",
  landArea: "12.5",
  purposes: ["社员管理", "信用评估"],
  consentPaper: "同意书 2026-E2E 号",
};
