// Reading codes from the emulator's SMS inbox, as a test would.
const endpoint = process.env.ENDPOINT;

export async function lastTextId(phone) {
  const texts = await messages(phone);
  return texts.length ? texts[texts.length - 1].id : 0;
}

export async function messages(phone) {
  const response = await fetch(`${endpoint}/_emulator/sms?phone_number=${encodeURIComponent(phone)}`);
  return (await response.json()).messages;
}

export async function codeAfter(phone, after = 0) {
  for (let tries = 0; tries < 100; tries++) {
    const fresh = (await messages(phone)).filter((m) => m.id > after && m.code);
    if (fresh.length) return fresh[fresh.length - 1].code;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no code texted to ${phone}`);
}

export function report(results) {
  console.log(JSON.stringify(results));
}
