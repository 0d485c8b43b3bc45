// Prints make bench's summary: each figure of this run beside the same figure measured on
// the build before issue 13 (scripts/bench-before.tsv), and its budget.
//
// usage: node scripts/bench-table.mjs <before.tsv> <after.tsv> [<before's name> <after's name>]
// (make bench also prints SQLite's figures beside PostgreSQL's with it.)
import { existsSync, readFileSync } from "node:fs";

const read = (file) =>
  existsSync(file)
    ? new Map(readFileSync(file, "utf8").trim().split("\n").map((line) => line.split("\t")).map(([k, v]) => [k, Number(v)]))
    : new Map();
const [before, after] = process.argv.slice(2, 4).map(read);
const [beforeName = "Before (c35d850)", afterName = "After"] = process.argv.slice(4);

const n = (v, digits = 0) => (v === undefined || Number.isNaN(v) ? "–" : v.toLocaleString("en-GB", { maximumFractionDigits: digits }));
const load = (figures, key) =>
  figures.has(`${key}.rps`) ? `${n(figures.get(`${key}.rps`))}/s, p50 ${n(figures.get(`${key}.p50`), 1)}, p99 ${n(figures.get(`${key}.p99`), 1)} ms` : "–";
const mb = (figures, key) => (figures.has(key) ? `${n(figures.get(key), 1)} MB` : "–");
const kb = (figures, key) => (figures.has(key) ? `${n(figures.get(key) / 1024, 1)} KB` : "–");

const rows = [
  ["Section page, compressed, 1 client", (f) => load(f, "section1"), ""],
  ["Section page, compressed, 32 clients", (f) => load(f, "section32"), "≥ 2,000/s, p99 ≤ 15 ms"],
  ["Saves, 1 writer", (f) => load(f, "save1"), ""],
  ["Saves, 32 writers flat out", (f) => load(f, "save32"), "≥ 2,000/s"],
  ["Saves, 32 writers at ~1,000/s", (f) => load(f, "save1000"), "p99 ≤ 10 ms"],
  ["Saves, 32 writers at ~1,000/s, random pauses", (f) => load(f, "save1000r"), "p99 ≤ 10 ms"],
  ["Progress events, 1 client", (f) => load(f, "progress1"), ""],
  ["Progress events, 32 clients", (f) => load(f, "progress32"), ""],
  ["Dashboard data (500 staff), 1 client", (f) => load(f, "dash_data1"), "p50 ≤ 25 ms"],
  ["Dashboard data (500 staff), 32 clients", (f) => load(f, "dash_data32"), ""],
  ["Dashboard page, compressed, 1 client", (f) => load(f, "dash_page1"), "p50 ≤ 25 ms"],
  ["Dashboard page, compressed, 32 clients", (f) => load(f, "dash_page32"), ""],
  ["Picture of need (500 staff), 1 client", (f) => load(f, "need1"), "p50 ≤ 25 ms"],
  ["Picture of need (500 staff), 32 clients", (f) => load(f, "need32"), ""],
  ["Community list page (10,000 posts), 1 client", (f) => load(f, "community_list1"), ""],
  ["Community list page (10,000 posts), 32 clients", (f) => load(f, "community_list32"), "p99 ≤ 20 ms"],
  ["Community search (10,000 posts), 1 client", (f) => load(f, "community_search1"), ""],
  ["Community search (10,000 posts), 32 clients", (f) => load(f, "community_search32"), "p99 ≤ 50 ms"],
  ["Browser mix 60 s: section pages (16 clients)", (f) => load(f, "mix_section"), ""],
  ["Browser mix 60 s: saves (8 clients)", (f) => load(f, "mix_save"), ""],
  ["Browser mix 60 s: progress events (8 clients)", (f) => load(f, "mix_progress"), ""],
  ["Memory idle", (f) => mb(f, "rss.idle"), "≤ 50 MB"],
  ["Memory peak, compressed pages", (f) => mb(f, "rss.peak_pages"), "≤ 150 MB"],
  ["Memory settled after them", (f) => mb(f, "rss.settled_pages"), "≤ 50 MB"],
  ["Memory peak, browser mix", (f) => mb(f, "rss.peak_mix"), "≤ 150 MB"],
  ["Memory settled after it", (f) => mb(f, "rss.settled_mix"), ""],
  ["Memory peak, 500 sign-ins and joins at once", (f) => mb(f, "rss.peak_burst"), "≤ 150 MB"],
];
for (const [page, label, budget] of [["signin", "Sign-in page", "≤ 150 KB"], ["section", "Section page", "≤ 250 KB"]]) {
  rows.push([`${label}, first visit (Chromium, cold cache)`, (f) => kb(f, `first.${page}.total`), budget]);
  for (const type of ["html", "js", "wasm", "css", "fonts", "other"]) rows.push([`  ${type}`, (f) => kb(f, `first.${page}.${type}`), ""]);
  rows.push([`  then fetched by the service worker`, (f) => kb(f, `first.${page}.background`), ""]);
}

const table = [["", beforeName, afterName, "Budget"], ...rows.map(([label, show, budget]) => [label, show(before), show(after), budget])];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
console.log(`\n== ${beforeName} and ${afterName} ==`);
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
