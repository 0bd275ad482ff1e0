// Waits for the server that `cargo leptos end-to-end` started, then prepares
// the accounts the tests use: the administrator made by `nongdang
// create-admin` opens an archivist's and an auditor's account, whose owners
// replace the initial passwords. Their sessions are saved for the tests.
import { mkdirSync, writeFileSync } from "node:fs";
import {
  ADMIN_STATE,
  ARCHIVIST,
  AUDITOR,
  AUDITOR_STATE,
  CLERK_STATE,
  MANAGER,
  MANAGER_STATE,
  baseURL,
} from "./tests/accounts";

async function waitForServer(): Promise<void> {
  const deadline = Date.now() + 180_000;
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/login`);
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${baseURL} did not come up: ${lastError}`);
}

async function call(endpoint: string, args: unknown, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  return fetch(`${baseURL}/api/${endpoint}`, { method: "POST", headers, body: JSON.stringify(args) });
}

async function signIn(username: string, password: string): Promise<string> {
  const response = await call("sign_in", { username, password });
  if (!response.ok) throw new Error(`sign-in of ${username} failed: ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("nongdang_session="));
  if (!cookie) throw new Error("no session cookie");
  return cookie.split(";")[0];
}

/** Opens an account as the administrator, lets its owner replace the
 * initial password, and saves the owner's signed-in browser state. */
async function prepare(
  admin: string,
  account: { username: string; displayName: string; initialPassword: string; password: string },
  role: string,
  stateFile: string,
  regions = "",
): Promise<void> {
  const form = {
    username: account.username,
    display_name: account.displayName,
    role,
    regions,
    password: account.initialPassword,
    disabled: false,
  };
  const created = await call("create_user", { form }, admin);
  if (!created.ok) throw new Error(`creating ${account.username} failed: ${await created.text()}`);

  const first = await signIn(account.username, account.initialPassword);
  const changed = await call("change_password", { current: account.initialPassword, new: account.password }, first);
  if (!changed.ok) throw new Error(`changing the password failed: ${await changed.text()}`);

  saveState(await signIn(account.username, account.password), stateFile);
}

/** Saves a session cookie as a browser state the tests can load. */
function saveState(session: string, stateFile: string): void {
  const [name, value] = session.split("=");
  const host = new URL(baseURL).hostname;
  mkdirSync(".state", { recursive: true });
  writeFileSync(
    stateFile,
    JSON.stringify({
      cookies: [
        { name, value, domain: host, path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Strict" },
      ],
      origins: [],
    }),
  );
}

export default async function globalSetup(): Promise<void> {
  await waitForServer();
  const admin = await signIn(process.env.NONGDANG_E2E_ADMIN ?? "", process.env.NONGDANG_E2E_ADMIN_PASSWORD ?? "");
  await prepare(admin, ARCHIVIST, "archivist", CLERK_STATE);
  await prepare(admin, AUDITOR, "auditor", AUDITOR_STATE);
  await prepare(admin, MANAGER, "manager", MANAGER_STATE, "510000");
  saveState(await signIn(process.env.NONGDANG_E2E_ADMIN ?? "", process.env.NONGDANG_E2E_ADMIN_PASSWORD ?? ""), ADMIN_STATE);
}
