// .dev.vars: the local secrets file `wrangler dev` reads. Created from .dev.vars.example
// with fresh random secrets on the first start.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const DEV_VARS = ".dev.vars";

export function readDevVars() {
  const vars = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/** Creates .dev.vars when it is missing; answers whether it did. */
export function ensureDevVars() {
  if (existsSync(DEV_VARS)) return false;
  const example = readFileSync(".dev.vars.example", "utf8")
    .replace("JWT_SECRET=change-me", `JWT_SECRET=${randomBytes(32).toString("base64url")}`)
    .replace("ENCRYPTION_KEY=change-me", `ENCRYPTION_KEY=${randomBytes(32).toString("base64")}`);
  writeFileSync(DEV_VARS, example);
  return true;
}

export function appendDevVar(name, value) {
  appendFileSync(DEV_VARS, `\n${name}=${value}\n`);
}
