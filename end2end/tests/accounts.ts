// Accounts shared by the browser tests.

export const baseURL = process.env.NONGDANG_E2E_URL ?? "http://127.0.0.1:3000";

/** The archivist that most tests act as (created in global-setup). */
export const ARCHIVIST = {
  username: "e2e.clerk",
  displayName: "测试档案员",
  initialPassword: "Initial-pass-2026",
  password: "Clerk-field-2026",
};

/** Where the archivist's signed-in browser state is kept. */
export const CLERK_STATE = ".state/clerk.json";

/** The auditor of the audit tests (created in global-setup). */
export const AUDITOR = {
  username: "e2e.auditor",
  displayName: "测试审计员",
  initialPassword: "Initial-pass-2026",
  password: "Auditor-desk-2026",
};

export const AUDITOR_STATE = ".state/auditor.json";

/** A manager of Sichuan, who approves disposals (created in global-setup). */
export const MANAGER = {
  username: "e2e.manager",
  displayName: "测试负责人",
  initialPassword: "Initial-pass-2026",
  password: "Manager-desk-2026",
};

export const MANAGER_STATE = ".state/manager.json";

/** The administrator made by `nongdang create-admin`, signed in. */
export const ADMIN_STATE = ".state/admin.json";
