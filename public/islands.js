// Makes the interactive parts of a server-rendered page work (Leptos islands): loads the
// page's bundle of Tandem's code and hydrates each <leptos-island> in the page, in document
// order (as Leptos' own island script does). A page without islands loads no code at all.
// Which bundle, and where, the page says in <script id="tandem-islands"> (app/src/lib.rs).
// Once done, `data-hydrated` on <body> says so (the browser tests wait for it).
const marked = (how) => {
  document.body.dataset.hydrated = how;
};
const config = JSON.parse(document.getElementById("tandem-islands")?.textContent || "null");

async function hydrateIslands(mod) {
  // An island inside another's children hydrates after its parent has handed them over.
  const childrenCallbacks = [];
  async function visit(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") {
      const hydrateFn = mod[node.dataset.component];
      if (hydrateFn) {
        childrenCallbacks.at(-1)?.();
        await hydrateFn(node);
      } else {
        console.warn(`Tandem: no code for the island ${node.dataset.component} in this bundle.`);
      }
    } else if (tag === "leptos-children") {
      childrenCallbacks.push(node.$$on_hydrate);
      for (const child of node.children) await visit(child);
      childrenCallbacks.pop();
      return;
    }
    for (const child of node.children) await visit(child);
  }
  await visit(document.body);
}

if (!config || !document.querySelector("leptos-island")) {
  marked("true");
} else {
  try {
    const mod = await import(config.js);
    await mod.default({ module_or_path: config.wasm });
    mod.hydrate();
    await hydrateIslands(mod);
    marked("true");
  } catch (error) {
    // The page still works as plain forms.
    console.warn("Tandem: the page's code did not load", error);
    marked("failed");
  }
}
