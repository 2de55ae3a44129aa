// Verify a Rejoinder webhook in Node.js with the built-in crypto module (Standard Webhooks).
// verifyWebhook(secret, headers, rawBody) returns the parsed payload or throws.
import { createHmac, timingSafeEqual } from "node:crypto";

const TOLERANCE_SECONDS = 5 * 60;

export function verifyWebhook(secret, headers, rawBody, now = Date.now() / 1000) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) throw new Error("missing webhook headers");
  if (Math.abs(now - Number(timestamp)) > TOLERANCE_SECONDS) throw new Error("stale timestamp");
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key)
    .update(`${id}.${timestamp}.${rawBody}`) // the raw body, exactly as received
    .digest();
  // One signature per live secret, space-separated: any one matching is enough.
  const ok = signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",");
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new Error("no matching signature");
  return JSON.parse(rawBody);
}

// As a command (the test suite runs it): JSON {secret, headers, body} on stdin.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  let input = "";
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("end", () => {
    const { secret, headers, body } = JSON.parse(input);
    try {
      const payload = verifyWebhook(secret, headers, body);
      console.log(`ok ${payload.type}`);
    } catch (error) {
      console.log(`refused: ${error.message}`);
      process.exit(1);
    }
  });
}
