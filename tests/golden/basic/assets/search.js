// Glossator: the search page. Loads Pagefind's index from ../pagefind/ (relative to this
// script, so the site works under any sub-path and on any static host) and shows documents,
// notes and glossary entries as results, filtered by type and tag. Each result opens its
// `target` (a document, a document at a note, or the glossary at an entry).
"use strict";

const form = document.querySelector("form.search-form");
const input = document.getElementById("site-search-input");
const tagSelect = document.getElementById("site-search-tag");
const statusLine = document.getElementById("site-search-status");
const list = document.getElementById("site-search-results");
const siteRoot = new URL("../", import.meta.url);
const TYPE_LABELS = { document: "Document", note: "Note", glossary: "Glossary" };
const PAGE_SIZE = 20;

let pagefind = null;

async function loadPagefind() {
  if (!pagefind) {
    pagefind = await import(new URL("../pagefind/pagefind.js", import.meta.url).href);
    await pagefind.init();
  }
  return pagefind;
}

function chosenTypes() {
  return Array.from(form.querySelectorAll('input[name="type"]:checked'), (box) => box.value);
}

// Pagefind's excerpt is text with <mark> around matches: keep exactly that, nothing else.
function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html");
  const out = document.createDocumentFragment();
  parsed.body.firstChild.childNodes.forEach(function (node) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.appendChild(mark);
    } else {
      out.appendChild(document.createTextNode(node.textContent));
    }
  });
  return out;
}

function resultItem(data) {
  const type = (data.filters.type || ["document"])[0];
  const item = document.createElement("li");
  item.className = `search-result search-result-${type}`;
  const label = document.createElement("span");
  label.className = "search-result-type";
  label.textContent = TYPE_LABELS[type] || type;
  const link = document.createElement("a");
  link.href = new URL(data.meta.target || data.url, siteRoot).href;
  link.textContent = data.meta.title || data.url;
  const heading = document.createElement("p");
  heading.className = "search-result-title";
  heading.append(label, " ", link);
  item.appendChild(heading);
  if (data.meta.context && type === "note") {
    const context = document.createElement("p");
    context.className = "search-result-context";
    context.textContent = `in ${data.meta.context}`;
    item.appendChild(context);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  excerpt.appendChild(excerptNodes(data.excerpt || ""));
  item.appendChild(excerpt);
  return item;
}

// Searches can overlap (a submit and a change of filter): only the latest one is shown.
let latest = 0;

async function runSearch() {
  const ticket = ++latest;
  const query = input.value.trim();
  if (!query) {
    list.replaceChildren();
    statusLine.textContent = "";
    return;
  }
  statusLine.textContent = "Searching…";
  const types = chosenTypes();
  const filters = { type: { any: types.length ? types : ["none"] } };
  if (tagSelect && tagSelect.value) filters.tag = tagSelect.value;
  try {
    const engine = await loadPagefind();
    const search = await engine.search(query, { filters });
    const shown = await Promise.all(search.results.slice(0, PAGE_SIZE).map((r) => r.data()));
    if (ticket !== latest) return;
    list.replaceChildren(...shown.map(resultItem));
    const count = search.results.length;
    statusLine.textContent = count === 0 ? `No results for “${query}”.`
      : `${count} result${count === 1 ? "" : "s"} for “${query}”` +
        (count > PAGE_SIZE ? ` (showing the first ${PAGE_SIZE}).` : ".");
  } catch (error) {
    if (ticket !== latest) return;
    list.replaceChildren();
    statusLine.textContent = "The search index could not be loaded. Search works when the " +
      "site is served over http(s), once its search index has been built.";
  }
}

function fromAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const types = params.getAll("type");
  if (types.length) {
    form.querySelectorAll('input[name="type"]').forEach((box) => {
      box.checked = types.includes(box.value);
    });
  }
  if (tagSelect) tagSelect.value = params.get("tag") || "";
}

function toAddress() {
  const params = new URLSearchParams(new FormData(form));
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

form.addEventListener("submit", function (event) {
  event.preventDefault();
  toAddress();
  runSearch();
});
form.addEventListener("change", function () {
  toAddress();
  runSearch();
});
fromAddress();
runSearch();
