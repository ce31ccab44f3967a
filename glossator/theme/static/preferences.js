/*
 * Glossator: the reader's stored choices, applied before the first paint. Loaded without
 * `defer` in <head> (base.html), so it runs before the page is shown; glossator.js does the
 * rest (the toggle itself). A file rather than an inline script, so a site can forbid inline
 * scripts (Content-Security-Policy: script-src 'self').
 */
try {
  if (window.localStorage.getItem("glossator-notes-hidden") === "true") {
    document.documentElement.classList.add("js-notes-hidden");
  }
} catch (error) {
  /* storage unavailable (private modes, file://): nothing was stored */
}
