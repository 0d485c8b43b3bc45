// A mail server for the browser suite: speaks just enough SMTP to take what Tandem sends and
// keeps each message as a file, so a test can read the code or notice a person was sent.
// Run by Playwright beside the Tandem server (playwright.config.ts); test-only.
//
//   node end2end/mail/sink.mjs <port> <folder>
import net from "node:net";
import fs from "node:fs";
import path from "node:path";

const [port, folder] = [Number(process.argv[2] ?? 2525), process.argv[3] ?? "target/e2e/mail"];
fs.mkdirSync(folder, { recursive: true });
let kept = 0;

const server = net.createServer((socket) => {
  socket.setEncoding("utf8");
  let buffer = "";
  let to = [];
  let data = null;
  const say = (line) => socket.write(`${line}\r\n`);
  say("220 tandem-e2e-mail ESMTP");
  socket.on("data", (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data !== null) {
        if (line === ".") {
          kept += 1;
          const name = `${Date.now()}-${String(kept).padStart(5, "0")}.eml`;
          fs.writeFileSync(path.join(folder, name), `X-To: ${to.join(", ")}\n${data.join("\n")}\n`);
          data = null;
          to = [];
          say("250 kept");
        } else {
          data.push(line.startsWith("..") ? line.slice(1) : line);
        }
        continue;
      }
      const verb = line.split(/[ :]/)[0].toUpperCase();
      if (verb === "EHLO" || verb === "HELO") say("250 tandem-e2e-mail");
      else if (verb === "RCPT") {
        to.push((/<([^>]*)>/.exec(line) || [])[1] ?? line);
        say("250 ok");
      } else if (verb === "DATA") {
        data = [];
        say("354 go on");
      } else if (verb === "QUIT") {
        say("221 bye");
        socket.end();
      } else say("250 ok");
    }
  });
  socket.on("error", () => {});
});
server.listen(port, "127.0.0.1");
