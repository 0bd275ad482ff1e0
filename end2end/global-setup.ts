// Waits until the server that `cargo leptos end-to-end` started answers.
export default async function globalSetup(): Promise<void> {
  const url = process.env.NONGDANG_E2E_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 180_000;
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${url} did not come up: ${lastError}`);
}
