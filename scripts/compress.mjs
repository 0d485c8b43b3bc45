// Writes .br and .gz beside each asset so the server can send them precompressed
// (tower-http's ServeDir picks them by Accept-Encoding). Skips files already done.
import { readdirSync, readFileSync, writeFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2];
for (const name of readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const file = join(dir, name);
  const mtime = statSync(file).mtimeMs;
  const fresh = (ext) => existsSync(file + ext) && statSync(file + ext).mtimeMs >= mtime;
  if (fresh(".br") && fresh(".gz")) continue;
  const data = readFileSync(file);
  writeFileSync(file + ".br", brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(file + ".gz", gzipSync(data, { level: 9 }));
  console.log(`${name}: ${data.length} bytes, brotli ${statSync(file + ".br").size}, gzip ${statSync(file + ".gz").size}`);
}
