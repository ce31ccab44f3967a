/*
 * Glossator: progressive enhancement for the generated pages. Everything works without it.
 *
 * - Margin notes on wide screens: each note is aligned with its passage (html.js-notes-aligned;
 *   absolute positions inside section.source-text), re-laid out on resize, font loads and when
 *   notes are shown or hidden.
 * - Narrow screens: a note number (a.note-ref) opens and closes its note in place (.is-open,
 *   aria-expanded); Escape closes the note and returns focus to its number.
 * - Passages, numbers and notes highlight one another on hover and focus (.is-active).
 * - Glossary links show their definition (copied from #gdef-TERM) in a tooltip.
 * - The "Show notes" toggle button (aria-pressed; html.js-notes-hidden), remembered in
 *   localStorage. preferences.js, loaded in <head> (base.html), applies the stored choice
 *   before the first paint; this script applies it again, for themes without that line.
 *
 * The breakpoint below must match style.css.
 */
(function () {
  "use strict";

  const root = document.documentElement;
  const STORAGE_KEY = "glossator-notes-hidden";
  const WIDE = window.matchMedia("screen and (min-width: 62.5em)");
  const NOTE_GAP_REM = 0.75;    // vertical space between stacked notes
  const POPOVER_MARGIN = 8;     // px kept between the popover and the viewport edges
  const POPOVER_OFFSET = 6;     // px between the link and the popover
  const HIDE_DELAY = 150;       // ms before a popover hides, so the pointer can reach it

  // -- Mark the page as scripted and apply the stored preference -----------------------------

  root.classList.add("js-glossator");
  if (readNotesHidden()) {
    root.classList.add("js-notes-hidden");
  }

  /** The stored "notes hidden" choice (false when storage is unavailable). */
  function readNotesHidden() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "true";
    } catch (error) {
      return false;
    }
  }

  /** Remember the "notes hidden" choice; ignore storage errors (private modes, file://). */
  function storeNotesHidden(hidden) {
    try {
      if (hidden) {
        window.localStorage.setItem(STORAGE_KEY, "true");
      } else {
        window.localStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      /* the choice then lasts for this page only */
    }
  }

  // -- Small helpers ------------------------------------------------------------------------

  function px(value) {
    return value.toFixed(2) + "px";
  }

  function byNote(noteId) {
    const escaped = window.CSS && CSS.escape ? CSS.escape(noteId) : noteId;
    return document.querySelectorAll('[data-note="' + escaped + '"]');
  }

  /** The note id of an annotation element (passage mark, note number or note), or null. */
  function noteIdOf(target) {
    if (!(target instanceof Element)) {
      return null;
    }
    const owner = target.closest("mark.annotation[data-note], .note-ref[data-note], " +
      ".margin-note[data-note]");
    return owner ? owner.getAttribute("data-note") : null;
  }

  function onMediaChange(query, handler) {
    if (query.addEventListener) {
      query.addEventListener("change", handler);
    } else if (query.addListener) {
      query.addListener(handler);
    }
  }

  // -- Margin notes -------------------------------------------------------------------------

  /** Everything about the notes of one page: alignment, opening, highlighting, the toggle. */
  function setUpNotes() {
    const section = document.querySelector(".source-text");
    const notes = section ? Array.from(section.querySelectorAll(".margin-note[data-note]")) : [];
    if (notes.length === 0) {
      return;
    }
    const toggle = document.querySelector(".notes-toggle");
    let frame = 0;
    let lastOpened = null;

    function refOf(note) {
      return document.getElementById("ref-" + note.getAttribute("data-note"));
    }

    function notesHidden() {
      return root.classList.contains("js-notes-hidden");
    }

    // Alignment (wide screens) ------------------------------------------------------------

    /** Put every note level with its passage, later notes below earlier ones. */
    function layoutNotes() {
      frame = 0;
      const aligned = WIDE.matches && !notesHidden();
      root.classList.toggle("js-notes-aligned", aligned);
      if (!aligned) {
        section.style.removeProperty("--glossator-notes-end");
        return;
      }
      const origin = section.getBoundingClientRect().top + section.clientTop;
      const gap = NOTE_GAP_REM * parseFloat(getComputedStyle(root).fontSize);
      // Read every position first, then write, so the browser lays out once.
      const items = notes.map(function (note, index) {
        const passage = document.getElementById("passage-" + note.getAttribute("data-note"));
        const anchor = passage || note.previousElementSibling || note.parentElement;
        return {
          note: note,
          index: index,
          wanted: anchor.getBoundingClientRect().top - origin,
          height: note.getBoundingClientRect().height,
        };
      });
      items.sort(function (a, b) {
        return a.wanted - b.wanted || a.index - b.index;
      });
      let bottom = -Infinity;
      items.forEach(function (item) {
        const top = Math.max(item.wanted, bottom + gap);
        item.note.style.top = px(top);
        bottom = top + item.height;
      });
      section.style.setProperty("--glossator-notes-end", px(Math.max(bottom, 0)));
    }

    /** Lay out again at the next frame (coalesces bursts of resize events). */
    function scheduleLayout() {
      if (!frame) {
        frame = window.requestAnimationFrame(layoutNotes);
      }
    }

    // Opening in place (narrow screens) ----------------------------------------------------

    function setOpen(note, open) {
      note.classList.toggle("is-open", open);
      const ref = refOf(note);
      if (ref && !WIDE.matches) {
        ref.setAttribute("aria-expanded", String(open));
      }
      if (open) {
        lastOpened = note;
      } else if (lastOpened === note) {
        lastOpened = null;
      }
    }

    /** aria-expanded only means something while notes are collapsed (narrow screens). */
    function syncExpanded() {
      notes.forEach(function (note) {
        const ref = refOf(note);
        if (!ref) {
          return;
        }
        if (WIDE.matches) {
          ref.removeAttribute("aria-expanded");
        } else {
          ref.setAttribute("aria-expanded", String(note.classList.contains("is-open")));
        }
      });
    }

    /** Close a note and give focus back to its number. */
    function closeAndReturn(note) {
      setOpen(note, false);
      const ref = refOf(note);
      if (ref) {
        ref.focus();
      }
    }

    /** The open note Escape should close: the one holding focus, else the last opened. */
    function noteForEscape() {
      const active = document.activeElement;
      const id = noteIdOf(active);
      const focused = id ? document.getElementById("note-" + id) : null;
      if (focused && focused.classList.contains("is-open")) {
        return focused;
      }
      return lastOpened && lastOpened.classList.contains("is-open") ? lastOpened : null;
    }

    /** The element the address's #fragment names, or null. */
    function hashTarget() {
      const hash = window.location.hash.slice(1);
      if (!hash) {
        return null;
      }
      try {
        return document.getElementById(decodeURIComponent(hash));
      } catch (error) {
        return null;
      }
    }

    /** A link to #note-ID (from elsewhere, or at load) opens that note on narrow screens
     *  and shows it: the browser scrolled before the note was opened or moved beside its
     *  passage. */
    function openFromHash() {
      const target = hashTarget();
      if (target && notes.indexOf(target) !== -1) {
        setOpen(target, true);
        target.scrollIntoView({ block: "start" });
      }
    }

    function onClick(event) {
      if (WIDE.matches || !(event.target instanceof Element)) {
        return;
      }
      const ref = event.target.closest(".note-ref[data-note]");
      if (ref) {
        const note = document.getElementById("note-" + ref.getAttribute("data-note"));
        if (note) {
          event.preventDefault();
          setOpen(note, !note.classList.contains("is-open"));
        }
        return;
      }
      const back = event.target.closest(".margin-note .note-number");
      if (back) {
        const note = back.closest(".margin-note");
        if (note.classList.contains("is-open")) {
          event.preventDefault();
          closeAndReturn(note);
        }
      }
    }

    function onKeyDown(event) {
      if (event.key === "Escape" && !WIDE.matches) {
        const note = noteForEscape();
        if (note) {
          closeAndReturn(note);
        }
        return;
      }
      // Links do not react to Space: make the note number behave like a disclosure button.
      if ((event.key === " " || event.key === "Spacebar") && !WIDE.matches &&
          event.target instanceof Element && event.target.matches(".note-ref[data-note]")) {
        event.preventDefault();
        event.target.click();
      }
    }

    // Linked highlighting ------------------------------------------------------------------

    let hoverId = null;
    let focusId = null;
    let activeId = null;

    function refreshActive() {
      const wanted = notesHidden() ? null : hoverId || focusId;
      if (wanted === activeId) {
        return;
      }
      if (activeId) {
        byNote(activeId).forEach(function (el) {
          el.classList.remove("is-active");
        });
      }
      activeId = wanted;
      if (activeId) {
        byNote(activeId).forEach(function (el) {
          el.classList.add("is-active");
        });
      }
    }

    function onMouseOver(event) {
      hoverId = noteIdOf(event.target);
      refreshActive();
    }

    function onMouseOut(event) {
      if (!event.relatedTarget) {   // the pointer left the window
        hoverId = null;
        refreshActive();
      }
    }

    function onFocusIn(event) {
      focusId = noteIdOf(event.target);
      refreshActive();
    }

    function onFocusOut(event) {
      if (!event.relatedTarget) {
        focusId = null;
        refreshActive();
      }
    }

    // The hide/show toggle -----------------------------------------------------------------

    function setNotesHidden(hidden, persist) {
      root.classList.toggle("js-notes-hidden", hidden);
      if (toggle) {
        // The label stays "Show notes"; its state is aria-pressed (and the tick beside it).
        toggle.setAttribute("aria-pressed", String(!hidden));
      }
      if (persist) {
        storeNotesHidden(hidden);
      }
      refreshActive();
      layoutNotes();
    }

    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        setNotesHidden(!notesHidden(), true);
      });
    }

    // Another tab changed the choice: follow it.
    window.addEventListener("storage", function (event) {
      if (event.key === STORAGE_KEY || event.key === null) {
        setNotesHidden(readNotesHidden(), false);
      }
    });

    // Wiring -------------------------------------------------------------------------------

    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("mouseover", onMouseOver);
    document.addEventListener("mouseout", onMouseOut);
    document.addEventListener("focusin", onFocusIn);
    document.addEventListener("focusout", onFocusOut);
    window.addEventListener("hashchange", openFromHash);
    window.addEventListener("resize", scheduleLayout);
    window.addEventListener("load", scheduleLayout);
    onMediaChange(WIDE, function () {
      syncExpanded();
      layoutNotes();
    });
    if (document.fonts) {
      document.fonts.ready.then(scheduleLayout);
      if (document.fonts.addEventListener) {
        document.fonts.addEventListener("loadingdone", scheduleLayout);
      }
    }
    if (window.ResizeObserver) {
      // Text reflow (fonts, images, zoom) and note content changes; the callback only
      // schedules, so setting positions never re-enters the observer.
      const observer = new ResizeObserver(scheduleLayout);
      observer.observe(section);
      notes.forEach(function (note) {
        observer.observe(note);
      });
    }

    setNotesHidden(notesHidden(), false);
    openFromHash();
    syncExpanded();
  }

  // -- Glossary popovers --------------------------------------------------------------------

  /** Show the definition of a glossary link (hover or focus) in a tooltip near the link. */
  function setUpGlossaryPopovers() {
    if (!document.querySelector("a.glossary-term[data-term]")) {
      return;
    }
    let popover = null;
    let current = null;
    let hideTimer = 0;

    function definitionOf(link) {
      return document.getElementById("gdef-" + link.getAttribute("data-term"));
    }

    function ensurePopover() {
      if (popover) {
        return popover;
      }
      popover = document.createElement("div");
      popover.id = "glossator-popover";
      popover.className = "glossary-popover";
      popover.setAttribute("role", "tooltip");
      popover.hidden = true;
      popover.addEventListener("mouseenter", cancelHide);
      popover.addEventListener("mouseleave", scheduleHide);
      document.body.appendChild(popover);
      return popover;
    }

    /** Copy the term and its definition into the popover (no ids, no tab stops). */
    function fill(link, definition) {
      popover.textContent = "";
      const term = document.createElement("p");
      term.className = "popover-term";
      const dt = definition.previousElementSibling;
      term.textContent = dt && dt.tagName === "DT" ? dt.textContent.trim() : link.textContent;
      popover.appendChild(term);
      const copy = definition.cloneNode(true);
      copy.querySelectorAll("[id]").forEach(function (el) {
        el.removeAttribute("id");
      });
      copy.querySelectorAll("a, button, input, select, textarea, [tabindex]").forEach(
        function (el) {
          el.setAttribute("tabindex", "-1");
        });
      while (copy.firstChild) {
        popover.appendChild(copy.firstChild);
      }
    }

    /** The line box of the link nearest the pointer (a link may wrap onto two lines). */
    function anchorRect(link, pointerY) {
      const rects = Array.from(link.getClientRects());
      if (rects.length === 0) {
        return link.getBoundingClientRect();
      }
      if (typeof pointerY === "number") {
        const hit = rects.find(function (r) {
          return pointerY >= r.top && pointerY <= r.bottom;
        });
        if (hit) {
          return hit;
        }
      }
      return rects[0];
    }

    /** Below the link (above when there is no room), horizontally inside the viewport. */
    function place(link, pointerY) {
      const rect = anchorRect(link, pointerY);
      const viewWidth = root.clientWidth;
      const viewHeight = window.innerHeight;
      popover.style.left = "0px";
      popover.style.top = "0px";
      const width = popover.offsetWidth;
      const height = popover.offsetHeight;
      let left = rect.left + rect.width / 2 - width / 2;
      left = Math.max(POPOVER_MARGIN, Math.min(left, viewWidth - width - POPOVER_MARGIN));
      let top = rect.bottom + POPOVER_OFFSET;
      const above = rect.top - POPOVER_OFFSET - height;
      if (top + height > viewHeight - POPOVER_MARGIN && above >= POPOVER_MARGIN) {
        top = above;
      }
      popover.style.left = px(left + window.scrollX);
      popover.style.top = px(top + window.scrollY);
    }

    function show(link, pointerY) {
      cancelHide();
      if (link === current && popover && !popover.hidden) {
        return;
      }
      const definition = definitionOf(link);
      if (!definition) {
        return;
      }
      ensurePopover();
      fill(link, definition);
      popover.hidden = false;
      place(link, pointerY);
      current = link;
    }

    function hide() {
      cancelHide();
      if (popover) {
        popover.hidden = true;
      }
      current = null;
    }

    function scheduleHide() {
      cancelHide();
      hideTimer = window.setTimeout(hide, HIDE_DELAY);
    }

    function cancelHide() {
      if (hideTimer) {
        window.clearTimeout(hideTimer);
        hideTimer = 0;
      }
    }

    function termLink(target) {
      if (!(target instanceof Element) || target.closest(".glossary-popover")) {
        return null;
      }
      return target.closest("a.glossary-term[data-term]");
    }

    document.addEventListener("mouseover", function (event) {
      const link = termLink(event.target);
      if (link) {
        show(link, event.clientY);
      }
    });
    document.addEventListener("mouseout", function (event) {
      const link = termLink(event.target);
      if (link && !(event.relatedTarget instanceof Node && link.contains(event.relatedTarget))) {
        scheduleHide();
      }
    });
    document.addEventListener("focusin", function (event) {
      const link = termLink(event.target);
      if (link) {
        show(link);
      }
    });
    document.addEventListener("focusout", function (event) {
      if (termLink(event.target)) {
        hide();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && popover && !popover.hidden) {
        hide();
        // This Escape only dismissed the popover; it must not also close a note.
        event.stopImmediatePropagation();
      }
    }, true);
    window.addEventListener("resize", hide);
  }

  // -- Copy buttons beside formatted citations ---------------------------------------------
  // Without the script the buttons stay hidden and the citation text is selectable as usual.

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // file:// and plain http: select the text in a temporary field and copy it
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    const copied = document.execCommand("copy");
    field.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button.copy-citation[data-copy]").forEach(function (button) {
      const source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) return;
      const label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        const text = source.textContent.replace(/\s+/g, " ").trim();
        copyText(text).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Select the text to copy";
        }).then(function () {
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  // -- Sorting the list of documents (index page) -------------------------------------------
  // The page lists documents newest first; the buttons reorder the cards in place.

  const SORTS = {
    newest: function (a, b) { return b.dataset.date.localeCompare(a.dataset.date); },
    oldest: function (a, b) { return a.dataset.date.localeCompare(b.dataset.date); },
    title: function (a, b) { return a.dataset.title.localeCompare(b.dataset.title); },
  };

  function setUpSorting() {
    const controls = document.querySelector(".sort-controls");
    const list = document.querySelector(".doc-list");
    if (!controls || !list) return;
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-sort]");
      if (!button) return;
      const cards = Array.from(list.querySelectorAll(":scope > .doc-card"));
      cards.sort(SORTS[button.dataset.sort]).forEach(function (card) {
        list.appendChild(card);
      });
      controls.querySelectorAll("button[data-sort]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
    });
  }

  // -- Start ---------------------------------------------------------------------------------

  function init() {
    setUpNotes();
    setUpGlossaryPopovers();
    setUpCopyButtons();
    setUpSorting();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init, { once: true });
  } else {
    init();
  }
})();
