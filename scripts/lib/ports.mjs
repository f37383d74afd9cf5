// Port checks for the local scripts: refuse a busy port before doing anything, or pick a free one.
import { createServer } from "node:net";

function tryListen(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err) => resolve(err.code === "EADDRINUSE" || err.code === "EACCES" ? false : err));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when nothing listens on the port, on IPv4 or IPv6 loopback (wrangler binds "localhost"). */
export async function isPortFree(port) {
  for (const host of ["127.0.0.1", "::1"]) {
    const result = await tryListen(port, host);
    // An error other than "in use" (e.g. no IPv6 on this machine) says nothing about the port.
    if (result === false) return false;
  }
  return true;
}

/** A port the operating system reports free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
