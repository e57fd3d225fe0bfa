// What an authenticator app does with a software token's shared secret (RFC 6238: HMAC-SHA1, 6 digits, 30-second
// steps), at the emulator's clock rather than this machine's, and moving that clock on.
import { createHmac } from "node:crypto";

const endpoint = process.env.ENDPOINT;

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const bytes = [];
  for (const character of text.replace(/=+$/, "").toUpperCase()) {
    const index = alphabet.indexOf(character);
    if (index < 0) throw new Error(`not base32: ${character}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export function totpAt(secret, epochSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochSeconds / 30)));
  const digest = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const number = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, "0");
}

export async function emulatorNow() {
  return (await (await fetch(`${endpoint}/_emulator/clock`)).json()).now;
}

export async function currentTotp(secret) {
  return totpAt(secret, await emulatorNow());
}

// Forward to the start of the next 30-second step, so a fresh code exists (each code is accepted once).
export async function nextTotpStep() {
  const now = await emulatorNow();
  const seconds = 30 - (now % 30) + 0.5;
  await fetch(`${endpoint}/_emulator/clock`, { method: "POST", headers: { "content-type": "application/json" },
                                              body: JSON.stringify({ seconds }) });
}

export function otherCode(code) {
  return code === "000000" ? "111111" : "000000";
}
