/*
 * glossary-assistant: embeddable answer widget (docs/widget.md).
 *
 *   <script src="http://HOST:PORT/widget.js" data-endpoint="http://HOST:PORT" defer></script>
 *
 * One self-contained file, no dependencies, no build step. Each script tag makes one instance inside
 * its own open shadow root, so the host page's CSS and this widget's CSS never meet. The only global
 * is window.GlossaryAssistant = { open(), close(), ask(question) } for the most recently loaded tag.
 * Security: every string that comes from the server goes into the page as text (textContent, text
 * nodes, attribute values), never through an HTML parser.
 */
(() => {
  "use strict";

  // Texts that name no field: the glossary's own (GET /api/info) replace them unless data- attributes set them.
  const DEFAULTS = { title: "Ask the glossary", placeholder: "Ask about a term…", accent: "#4f46e5" };
  const STALL_S = 45; // abort when nothing at all arrives for this long (data-timeout overrides)
  const MAX_TURNS = 10; // earlier turns sent back with a question, so follow-ups are read in their light
  const NOT_COVERED = "none"; // the expected entry "the glossary doesn't cover it" in feedback
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: "M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v7a2.5 2.5 0 0 1-2.5 2.5H11l-4.4 3.5c-.4.3-.9 0-.9-.4V16h.3A2.5 2.5 0 0 1 4 13.5zM8.5 9.5h7M8.5 12.5h4",
    close: "M6 6l12 12M18 6L6 18",
    send: "M5 12h13M13 6l6 6-6 6",
    book: "M5 18.5V5.5A2.5 2.5 0 0 1 7.5 3H19v13H7.5A2.5 2.5 0 0 0 5 18.5a2.5 2.5 0 0 0 2.5 2.5H19",
    up: "M7 10v10H4V10zM7 10l4-7a2 2 0 0 1 3 2l-1 5h5.5a2 2 0 0 1 2 2.3l-1.2 6A2 2 0 0 1 17.3 20H7",
    down: "M7 14V4H4v10zM7 14l4 7a2 2 0 0 0 3-2l-1-5h5.5a2 2 0 0 0 2-2.3l-1.2-6A2 2 0 0 0 17.3 4H7",
  };

  // ---- configuration from the script tag ---------------------------------------------------------
  const script = document.currentScript ||
    [...document.querySelectorAll("script[src]")].filter((s) => /widget\.js([?#]|$)/.test(s.src)).pop() || null;
  const config = readConfig(script);

  function readConfig(tag) {
    const d = (tag && tag.dataset) || {};
    const fallback = tag && tag.src ? new URL(tag.src, location.href).origin : location.origin;
    let endpoint = fallback;
    if (d.endpoint && d.endpoint.trim()) {
      try {
        const url = new URL(d.endpoint.trim(), document.baseURI);
        if (url.protocol === "http:" || url.protocol === "https:") endpoint = url.href;
      } catch (_) { /* keep the default */ }
    }
    if (endpoint === "null") endpoint = ""; // file:// pages: relative URLs, will fail visibly
    const theme = (d.theme || "").trim().toLowerCase();
    const accent = (d.accent || "").trim();
    const timeout = Number(d.timeout);
    return {
      endpoint: endpoint.replace(/\/+$/, ""),
      target: (d.target || "").trim(),
      title: (d.title || "").trim() || DEFAULTS.title,
      placeholder: d.placeholder != null ? d.placeholder : DEFAULTS.placeholder,
      ownPlaceholder: d.placeholder != null,
      theme: theme === "light" || theme === "dark" ? theme : "auto",
      accent: accent && window.CSS && CSS.supports("color", accent) ? accent : "",
      question: (d.question || "").trim(),
      open: d.open === "" || (d.open || "").trim().toLowerCase() === "true",
      stallMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : STALL_S) * 1000,
    };
  }

  // ---- public API: calls made before the DOM is ready wait for the instance ---------------------
  let resolveInstance;
  const instance = new Promise((resolve) => { resolveInstance = resolve; });
  window.GlossaryAssistant = {
    open: () => instance.then((w) => w.open()),
    close: () => instance.then((w) => w.close()),
    ask: (question) => instance.then((w) => w.ask(question)), // resolves to "done" | "refused" | "error"
  };

  // ---- small DOM helpers (text only; no HTML parsing anywhere) ----------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child != null) el.append(child); // strings become text nodes
    return el;
  }

  function icon(name) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon i-" + name);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  const norm = (s) => String(s).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

  // FastAPI-style `detail`: a string, or a list of {msg, loc, type}.
  function detailText(detail) {
    let text = "";
    if (typeof detail === "string") text = detail;
    else if (Array.isArray(detail)) {
      text = detail.map((d) => (typeof d === "string" ? d : d && typeof d.msg === "string" ? d.msg : ""))
        .filter(Boolean).join("; ");
    } else if (detail && typeof detail.message === "string") text = detail.message;
    return text.length > 300 ? text.slice(0, 299) + "…" : text;
  }

  // Retry-After: delay in seconds or an HTTP date -> whole seconds, or null.
  function retryAfter(value) {
    if (value == null || value === "") return null;
    const n = Number(value);
    if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
    const t = Date.parse(String(value));
    return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - Date.now()) / 1000));
  }

  function parseJSON(text) {
    try { return JSON.parse(text); } catch (_) { return undefined; }
  }

  /*
   * Server-sent events parser (the WHATWG event-stream format) fed with decoded text chunks.
   * Lines end in \n, \r\n or \r (a \r at the very end of a chunk waits for the next chunk);
   * "event:" sets the name, each "data:" adds a line (joined with \n), one space after the colon is
   * dropped, lines starting with ":" are comments (keep-alives), "id:"/"retry:"/unknown fields are
   * ignored; a blank line dispatches (name defaults to "message"). At end of stream a pending event
   * without its blank line is still dispatched.
   */
  function sseParser(onEvent) {
    let buffer = "";
    let name = "";
    let data = [];
    const line = (l) => {
      if (l === "") {
        if (data.length) onEvent(name || "message", data.join("\n"));
        name = "";
        data = [];
        return;
      }
      if (l[0] === ":") return;
      const colon = l.indexOf(":");
      const field = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? "" : l.slice(colon + 1);
      if (value[0] === " ") value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    };
    return {
      push(text) {
        buffer += text;
        const re = /\r\n|\r|\n/g;
        let start = 0;
        let m;
        while ((m = re.exec(buffer))) {
          if (m[0] === "\r" && m.index === buffer.length - 1) break; // maybe half of \r\n
          line(buffer.slice(start, m.index));
          start = re.lastIndex;
        }
        buffer = buffer.slice(start);
      },
      end() {
        if (buffer) line(buffer.replace(/\r$/, ""));
        buffer = "";
        line("");
      },
    };
  }

  // ---- mounting ------------------------------------------------------------------------------------
  function mount(cfg) {
    let container = null;
    if (cfg.target) {
      try { container = document.querySelector(cfg.target); } catch (_) { container = null; }
      if (!container) {
        console.warn(`[glossary-assistant] data-target "${cfg.target}" matches no element; showing the launcher instead.`);
      }
    }
    const inline = Boolean(container);
    const stack = inline ? 0 : document.querySelectorAll('[data-glossary-assistant="launcher"]').length;
    const host = document.createElement("glossary-assistant");
    host.setAttribute("data-glossary-assistant", inline ? "inline" : "launcher");
    (container || document.body).append(host);
    return createWidget(host.attachShadow({ mode: "open" }), cfg, inline, stack);
  }

  // ---- one instance ----------------------------------------------------------------------------------
  function createWidget(shadow, cfg, inline, stack) {
    applyStyles(shadow);
    let isOpen = inline;
    let busy = false;
    let started = false; // any question asked yet (the data-question is asked only before the first)
    let glossary = null; // Promise<{list, map: Map<normalised term or alias, entry>}>, loaded on demand
    const queue = [];
    const turns = []; // the conversation so far: the server keeps no state, the widget sends it back
    // DOM events on the host element, for the host page: glossary-assistant:open|close|ask|answer|error
    const emit = (name, detail) =>
      shadow.host.dispatchEvent(new CustomEvent("glossary-assistant:" + name, { bubbles: true, detail }));

    const root = h("div", { class: `root ${inline ? "inline" : "floating"} theme-${cfg.theme}`, part: "root" });
    if (cfg.accent) root.style.setProperty("--accent", cfg.accent);
    root.style.setProperty("--stack", String(stack));

    const launcher = inline ? null : h("button", {
      type: "button", class: "launcher", part: "launcher", "aria-label": cfg.title,
      "aria-expanded": "false", "aria-controls": "panel", "aria-haspopup": "dialog",
      onclick: () => (isOpen ? close() : open()),
    }, icon("chat"), icon("close"));

    const intro = h("p", { class: "intro" }, "Ask what a term of the glossary means.");
    const log = h("div", { class: "log", part: "log", role: "log", "aria-live": "polite", tabindex: "0" }, intro);
    const input = h("input", {
      id: "question", class: "input", part: "input", type: "text", placeholder: cfg.placeholder,
      autocomplete: "off", spellcheck: "true", enterkeyhint: "send",
    });
    const send = h("button", { type: "submit", class: "send", part: "send", "aria-label": "Send question" }, icon("send"));
    const form = h("form", { class: "composer", part: "composer", novalidate: true },
      h("label", { for: "question", class: "sr-only" }, "Your question"), input, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = input.value.trim();
      if (!question || busy) return;
      input.value = "";
      ask(question);
    });

    const head = h("div", { class: "head", part: "header" },
      h("span", { class: "logo" }, icon("book")), h("div", { class: "title" }, cfg.title),
      inline ? null : h("button", {
        type: "button", class: "close", part: "close", "aria-label": "Close", onclick: () => close(),
      }, icon("close")));
    const panel = h("section", {
      id: "panel", class: "panel", part: "panel", role: inline ? "region" : "dialog",
      "aria-label": cfg.title, "aria-modal": inline ? null : "false", hidden: !inline,
    }, head, log, form, h("p", { class: "foot" }, "Answers come from the glossary only"));

    root.append(...(launcher ? [launcher, panel] : [panel]));
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !inline && isOpen) {
        event.stopPropagation();
        close();
        launcher.focus();
      }
    });
    shadow.append(root);
    setContrast();
    describeGlossary();

    // What the glossary is about and an example question, from the server, in the placeholder and the intro.
    function describeGlossary() {
      fetch(cfg.endpoint + "/api/info", { mode: "cors", credentials: "omit" })
        .then((res) => (res.ok ? res.json() : null))
        .then((info) => {
          if (!info || typeof info.subject !== "string") return;
          const example = Array.isArray(info.examples) && typeof info.examples[0] === "string" ? info.examples[0] : "";
          intro.textContent = `Ask what ${info.subject} mean` + (example ? `, for example “${example}”` : ".");
          if (!cfg.ownPlaceholder) input.placeholder = `Ask about ${info.subject}…`;
        })
        .catch(() => {}); // the generic texts stay
    }

    // -- open / close ---------------------------------------------------------------------------------
    function open(options) {
      const focus = !options || options.focus !== false;
      if (!inline && !isOpen) {
        isOpen = true;
        panel.hidden = false;
        root.classList.add("open");
        launcher.setAttribute("aria-expanded", "true");
        log.scrollTop = log.scrollHeight;
        emit("open", {});
      }
      if (focus) input.focus({ preventScroll: inline });
      if (cfg.question && !started) ask(cfg.question);
    }

    function close() {
      if (inline || !isOpen) return;
      const hadFocus = panel.contains(shadow.activeElement);
      isOpen = false;
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      if (hadFocus) launcher.focus();
      emit("close", {});
    }

    // -- asking ------------------------------------------------------------------------------------------
    function ask(question) {
      const q = String(question == null ? "" : question).trim();
      if (!q) return Promise.resolve(null);
      started = true;
      if (!isOpen) open({ focus: false });
      intro.remove();
      const view = answerView(q);
      log.append(h("div", { class: "msg user", part: "question" }, q), view.el);
      log.scrollTop = log.scrollHeight;
      emit("ask", { question: q });
      return enqueue(view);
    }

    function enqueue(view) {
      return new Promise((resolve) => {
        queue.push({ view, resolve });
        pump();
      });
    }

    async function pump() {
      if (busy || !queue.length) return;
      const job = queue.shift();
      setBusy(true);
      let state = "error";
      try {
        state = await run(job.view);
      } finally {
        setBusy(false);
        job.resolve(state);
        pump();
      }
    }

    function setBusy(value) {
      busy = value;
      send.disabled = value;
      root.classList.toggle("busy", value);
    }

    // Scroll to the newest content only when the reader is already near the bottom.
    function stick(change) {
      const near = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
      const result = change();
      if (near) log.scrollTop = log.scrollHeight;
      return result;
    }

    async function run(view) {
      view.reset();
      const ctrl = new AbortController();
      let timer = 0;
      let stalled = false;
      const progress = () => {
        clearTimeout(timer);
        timer = setTimeout(() => { stalled = true; ctrl.abort(); }, cfg.stallMs);
      };
      progress();
      try {
        const body = { question: view.question };
        if (turns.length) body.history = turns.slice(-MAX_TURNS);
        let res = await post("/api/ask/stream", body, ctrl.signal, "text/event-stream");
        progress();
        if (res.status === 404 || res.status === 405) { // a server without streaming: plain JSON endpoint
          res = await post("/api/ask", body, ctrl.signal, "application/json");
          progress();
        }
        if (!res.ok) return view.fail(await httpProblem(res));
        const type = (res.headers.get("content-type") || "").toLowerCase();
        if (!type.includes("text/event-stream") || !res.body) {
          const answer = parseJSON(await res.text());
          return answer && typeof answer === "object" ? view.finish(answer) : view.fail(UNREADABLE);
        }
        return await readStream(res.body, view, progress);
      } catch (err) {
        if (stalled) return view.fail({ message: "The answer took too long.", retry: true });
        if (err && err.phase === "connect") return view.fail({ message: "Can't reach the assistant.", retry: true });
        if (err && err.phase === "stream") {
          return view.fail({ message: "The connection to the assistant was lost.", retry: true });
        }
        console.error("[glossary-assistant]", err);
        return view.fail({ message: "Something went wrong while showing the answer.", retry: true });
      } finally {
        clearTimeout(timer);
      }
    }

    async function post(path, body, signal, accept) {
      try {
        return await fetch(cfg.endpoint + path, {
          method: "POST", mode: "cors", credentials: "omit", cache: "no-store", signal,
          headers: { "Content-Type": "application/json", Accept: accept },
          body: JSON.stringify(body),
        });
      } catch (err) {
        throw Object.assign(new Error("fetch failed"), { phase: "connect", cause: err });
      }
    }

    async function readStream(body, view, progress) {
      const reader = body.getReader();
      const decoder = new TextDecoder();
      let outcome = null;
      const parser = sseParser((name, data) => {
        if (outcome) return;
        const payload = parseJSON(data);
        if (name === "token") {
          if (payload && typeof payload.text === "string") stick(() => view.token(payload.text));
        } else if (name === "answer") {
          outcome = payload && typeof payload === "object" ? stick(() => view.finish(payload)) : view.fail(UNREADABLE);
        } else if (name === "error") {
          outcome = view.fail(streamProblem(payload && typeof payload === "object" ? payload : {}));
        }
      });
      try {
        while (!outcome) {
          let chunk;
          try {
            chunk = await reader.read();
          } catch (err) {
            throw Object.assign(new Error("stream failed"), { phase: "stream", cause: err });
          }
          if (chunk.done) {
            parser.push(decoder.decode());
            parser.end();
            break;
          }
          progress();
          parser.push(decoder.decode(chunk.value, { stream: true }));
        }
      } finally {
        if (outcome) reader.cancel().catch(() => {});
      }
      return outcome || view.fail({ message: "The answer was cut off before it finished.", retry: true });
    }

    async function httpProblem(res) {
      const body = parseJSON(await res.text().catch(() => "")) || {};
      const detail = detailText(body.detail);
      const wait = retryAfter(res.headers.get("Retry-After"));
      const later = wait != null ? ` — try again in ${wait} s` : " — try again in a moment";
      switch (res.status) {
        case 400:
        case 422: return { status: res.status, message: detail || "That question couldn't be read. Try rephrasing it." };
        case 413: return { status: 413, message: detail || "That question is too long. Please shorten it." };
        case 429: return { status: 429, message: "Too many questions" + later, retry: true };
        case 503: return { status: 503, message: "The assistant is busy" + later, retry: true };
        default: return {
          status: res.status,
          message: detail ? `The assistant had a problem: ${detail}` : `The assistant had a problem (HTTP ${res.status}).`,
          retry: res.status >= 500 || res.status === 408,
        };
      }
    }

    function streamProblem(payload) {
      const status = Number.isInteger(payload.status) ? payload.status : null;
      const detail = detailText(payload.detail);
      if (detail) return { status, message: detail, retry: true };
      if (status === 429) return { status, message: "Too many questions — try again in a moment", retry: true };
      if (status === 503) return { status, message: "The assistant is busy — try again in a moment", retry: true };
      return { status, message: "The answer failed part-way.", retry: true };
    }

    // -- one assistant message -------------------------------------------------------------------------
    function answerView(question) {
      const el = h("div", { class: "msg bot", part: "answer", "data-state": "streaming" });
      let textNode = null;
      let typing = null;
      const stopTyping = () => {
        if (typing) typing.remove();
        typing = null;
      };
      const settle = (state) => {
        stopTyping();
        el.setAttribute("data-state", state);
        el.removeAttribute("aria-busy");
        return state;
      };
      const view = {
        el,
        question,
        reset() {
          textNode = document.createTextNode("");
          typing = h("div", { class: "typing", part: "typing" },
            h("span", { class: "sr-only" }, "The assistant is writing…"), h("i"), h("i"), h("i"));
          el.replaceChildren(h("div", { class: "text" }, textNode), typing);
          el.setAttribute("data-state", "streaming");
          el.setAttribute("aria-busy", "true"); // screen readers read the message once, when it is done
        },
        token(text) {
          stopTyping();
          textNode.appendData(text);
        },
        finish(answer) {
          const final = typeof answer.answer === "string" ? answer.answer : textNode.data;
          if (final !== textNode.data) textNode.data = final;
          const citations = Array.isArray(answer.citations) ? answer.citations.filter((c) => c && c.term) : [];
          const cited = sentenceView(answer, final, citations);
          if (cited) el.querySelector(".text").replaceChildren(...cited);
          turns.push({
            question, answer: final, citations: citations.map((c) => String(c.term)),
            resolved_question: typeof answer.resolved_question === "string" ? answer.resolved_question : null,
            outcome: ["answered", "closest", "refused"].includes(answer.outcome) ? answer.outcome : null,
          });
          const refused = answer.refused === true || answer.outcome === "refused";
          if (refused) el.prepend(badge("Not in the glossary", "refusal"));
          else if (answer.outcome === "closest") {
            el.prepend(badge("Closest match", "closest", "The glossary has no exact entry; this is the closest one"));
          }
          if (answer.revised === true) {
            el.append(h("p", { class: "note", part: "note" }, "Revised after checking against the glossary"));
          }
          if (answer.busy === true) {
            el.append(h("p", { class: "note", part: "note" }, "Many questions at once: this is the glossary's own text"));
          }
          if (!refused && citations.length) el.append(sources(citations));
          const suggestions = Array.isArray(answer.suggestions)
            ? answer.suggestions.filter((s) => typeof s === "string" && s.trim()) : [];
          if (suggestions.length) el.append(chips(suggestions, refused));
          const followups = Array.isArray(answer.followups)
            ? answer.followups.filter((s) => typeof s === "string" && s.trim()) : [];
          if (followups.length) el.append(nextQuestions(followups));
          el.append(feedbackBar(answer, question, final, citations));
          const state = settle(refused ? "refused" : "done");
          emit("answer", { question, state, answer });
          return state;
        },
        fail(problem) {
          const box = h("div", { class: "problem" }, h("span", { class: "error", part: "error" }, problem.message));
          if (problem.retry) {
            const retry = h("button", { type: "button", class: "retry", part: "retry" }, "Retry");
            retry.addEventListener("click", () => {
              retry.disabled = true;
              enqueue(view);
            }, { once: true });
            box.append(retry);
          }
          el.append(box);
          emit("error", { question, message: problem.message, status: problem.status || null });
          return settle("error");
        },
      };
      view.reset();
      return view;
    }

    // The answer sentence by sentence; a cited one ends in a [n] button that reveals the entry part it rests on.
    function sentenceView(answer, final, citations) {
      const sentences = Array.isArray(answer.sentences) ? answer.sentences.filter((x) => x && typeof x.sentence === "string") : [];
      if (!sentences.some((x) => x.term) || norm(sentences.map((x) => x.sentence).join(" ")) !== norm(final)) return null;
      const numbers = citations.map((c) => String(c.term));
      const nodes = [];
      sentences.forEach((x, i) => {
        nodes.push((i ? " " : "") + x.sentence);
        if (!x.term) return;
        const part = String(x.part || "entry").replace(/_/g, " ");
        const n = numbers.indexOf(String(x.term)) + 1 || numbers.push(String(x.term));
        const note = h("span", { class: "cite-note", part: "sentence-source", role: "note", hidden: true },
          h("strong", {}, `${x.term} · ${part}: `), String(x.text || ""));
        const ref = h("button", {
          type: "button", class: "cite-ref", part: "sentence-citation", "data-term": String(x.term),
          "data-part": String(x.part || ""), "aria-expanded": "false", title: `${x.term} · ${part}: ${x.text || ""}`,
          "aria-label": `Source of this sentence: ${x.term}, ${part}`,
        }, `[${n}]`);
        ref.addEventListener("click", () => {
          note.hidden = !note.hidden;
          ref.setAttribute("aria-expanded", String(!note.hidden));
        });
        nodes.push(" ", ref, note);
      });
      return nodes;
    }

    function nextQuestions(questions) {
      const wrap = h("div", { class: "chips", part: "followups" }, h("span", { class: "label" }, "Ask next:"));
      for (const q of questions.slice(0, 3)) {
        wrap.append(h("button", { type: "button", class: "chip", part: "followup", onclick: () => ask(q) }, q));
      }
      return wrap;
    }

    // Thumbs up sends at once; thumbs down opens a short form (what was wrong, which entry should have answered).
    function feedbackBar(answer, question, final, citations) {
      const status = h("span", { class: "fb-status", part: "feedback-status", role: "status" });
      const payload = (rating, extra) => ({
        rating, question: typeof answer.question === "string" ? answer.question : question, answer: final,
        citations: citations.map((c) => String(c.term)), glossary_version: String(answer.glossary_version || ""),
        resolved_question: typeof answer.resolved_question === "string" ? answer.resolved_question : null, ...extra,
      });
      const send = async (body) => {
        for (const b of bar.querySelectorAll("button")) b.disabled = true;
        status.textContent = "Sending…";
        try {
          const res = await post("/api/feedback", body, undefined, "application/json");
          status.textContent = res.ok ? "Thanks for the feedback." : (await httpProblem(res)).message;
          if (res.ok) form.hidden = true;
        } catch (_) {
          status.textContent = "The feedback could not be sent.";
        }
        for (const b of bar.querySelectorAll("button")) b.disabled = false;
      };
      const reason = h("input", { class: "input fb-reason", part: "feedback-reason", type: "text", maxlength: "1000",
        "aria-label": "What was wrong or missing?", placeholder: "What was wrong or missing? (optional)" });
      const expected = h("select", { class: "input fb-expected", part: "feedback-expected",
        "aria-label": "Which entry should have answered?" },
      h("option", { value: "" }, "Which entry should have answered? (optional)"),
      h("option", { value: NOT_COVERED }, "None: the glossary doesn't cover it"));
      const form = h("form", { class: "fb-form", part: "feedback-form", hidden: true, novalidate: true },
        reason, expected, h("button", { type: "submit", class: "retry", part: "feedback-send" }, "Send"));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        send(payload("down", { reason: reason.value.trim() || null, expected_entry: expected.value || null }));
      });
      const up = h("button", { type: "button", class: "fb", part: "feedback-up", "aria-label": "Helpful",
        title: "Helpful", onclick: () => send(payload("up", {})) }, icon("up"));
      const down = h("button", { type: "button", class: "fb", part: "feedback-down", "aria-label": "Not helpful",
        title: "Not helpful", "aria-expanded": "false" }, icon("down"));
      down.addEventListener("click", () => {
        form.hidden = !form.hidden;
        down.setAttribute("aria-expanded", String(!form.hidden));
        if (!form.hidden) {
          loadGlossary().then(({ list }) => {
            if (expected.options.length > 2) return;
            for (const entry of list) expected.append(h("option", { value: entry.term }, entry.term));
          });
          reason.focus();
        }
      });
      const bar = h("div", { class: "feedback", part: "feedback" }, up, down, status, form);
      return bar;
    }

    function badge(text, kind, title) {
      return h("span", { class: "badge " + kind, part: "badge", title }, text);
    }

    // <details part="citation" data-term="…"><summary>Term · category</summary>definition, example</details>
    function sources(citations) {
      const wrap = h("div", { class: "sources", part: "sources" },
        h("div", { class: "label" }, citations.length > 1 ? "Sources" : "Source"));
      for (const c of citations.slice(0, 8)) {
        const term = String(c.term);
        const category = h("span", { class: "cat" });
        const body = h("div", { class: "cite-body" });
        const fill = (entry, pending) => {
          category.textContent = entry && entry.category ? ` · ${entry.category}` : "";
          const parts = [];
          if (entry && typeof entry.definition === "string" && entry.definition) parts.push(h("p", {}, entry.definition));
          if (entry && typeof entry.example === "string" && entry.example) {
            parts.push(h("p", { class: "example" }, h("strong", {}, "Example: "), entry.example));
          }
          if (!parts.length) parts.push(h("p", { class: "muted" }, pending ? "Loading the entry…" : "No definition available."));
          body.replaceChildren(...parts);
        };
        if (c.definition) fill(c, false);
        else {
          fill(c, true);
          lookup(term).then((entry) => fill(entry ? { ...entry, category: c.category || entry.category } : c, false));
        }
        wrap.append(h("details", { class: "cite", part: "citation", "data-term": term },
          h("summary", {}, term, category), body));
      }
      return wrap;
    }

    // GET /api/glossary, fetched once: citations that carry only {term, score} get their text from it, and the
    // feedback form its list of entries.
    function loadGlossary() {
      if (!glossary) {
        glossary = fetch(cfg.endpoint + "/api/glossary", { mode: "cors", credentials: "omit" })
          .then((res) => (res.ok ? res.json() : []))
          .then((data) => {
            const list = (Array.isArray(data) ? data : []).filter((entry) => entry && entry.term);
            const map = new Map();
            for (const entry of list) {
              map.set(norm(entry.term), entry);
              for (const alias of Array.isArray(entry.aliases) ? entry.aliases : []) {
                if (!map.has(norm(alias))) map.set(norm(alias), entry);
              }
            }
            return { list, map };
          })
          .catch(() => {
            glossary = null; // try again next time
            return { list: [], map: new Map() };
          });
      }
      return glossary;
    }

    function lookup(term) {
      return loadGlossary().then(({ map }) => map.get(norm(term)) || null);
    }

    function chips(terms, refused) {
      const wrap = h("div", { class: "chips", part: "suggestions" },
        h("span", { class: "label" }, refused ? "Closest entries:" : "Related:"));
      for (const t of terms.slice(0, 6)) {
        const term = t.trim();
        wrap.append(h("button", {
          type: "button", class: "chip", part: "suggestion", "data-term": term, title: `Ask “What is ${term}?”`,
          onclick: () => ask(`What is ${term}?`),
        }, term));
      }
      return wrap;
    }

    // Readable text on the accent colour: white or near-black, whichever contrasts more (WCAG luminance).
    function setContrast() {
      const probe = h("span", { class: "probe" });
      root.append(probe);
      const m = getComputedStyle(probe).color.match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/);
      probe.remove();
      if (!m) return;
      const [r, g, b] = m.slice(1, 4).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      const light = 1.05 / (lum + 0.05) < (lum + 0.05) / 0.06;
      root.style.setProperty("--on-accent", light ? "#111827" : "#ffffff");
      // A light accent is unreadable as link text on white: darken it there (dark theme lightens anyway).
      if (light) root.style.setProperty("--accent-ink", "color-mix(in srgb, var(--accent) 45%, #000000)");
    }

    if (inline ? cfg.question : cfg.open) open({ focus: false });
    return { open: () => open(), close: () => close(), ask };
  }

  const UNREADABLE = { message: "The assistant sent a reply the widget could not read.", retry: true };

  // ---- styles (scoped to each shadow root) ------------------------------------------------------
  const DARK = `
    --bg: #0f172a; --fg: #e2e8f0; --muted: #94a3b8; --surface: #1e293b; --border: #334155;
    --link: color-mix(in srgb, var(--accent) 50%, #ffffff);
    --refusal-bg: #2a1d10; --refusal-border: #9a3412; --refusal-fg: #ffedd5;
    --error-bg: #2b1518; --error-border: #7f1d1d; --error-fg: #fca5a5;
    --shadow: 0 16px 48px rgba(0, 0, 0, .55), 0 2px 8px rgba(0, 0, 0, .4);
    color-scheme: dark;`;

  const STYLES = `
    :host { all: initial !important; display: block !important; }
    :host([hidden]) { display: none !important; }
    .root {
      --accent: var(--ga-accent, ${DEFAULTS.accent}); --on-accent: #ffffff;
      --bg: #ffffff; --fg: #111827; --muted: #4b5563; --surface: #f3f4f6; --border: #e5e7eb;
      --link: var(--accent-ink, var(--accent));
      --refusal-bg: #fff7ed; --refusal-border: #fdba74; --refusal-fg: #431407;
      --error-bg: #fef2f2; --error-border: #fca5a5; --error-fg: #b91c1c;
      --shadow: 0 16px 48px rgba(15, 23, 42, .18), 0 2px 8px rgba(15, 23, 42, .08);
      color-scheme: light;
      font: 400 14px/1.5 var(--ga-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
      color: var(--fg); text-align: left; -webkit-font-smoothing: antialiased;
    }
    .root.theme-dark { ${DARK} }
    @media (prefers-color-scheme: dark) { .root.theme-auto { ${DARK} } }
    *, *::before, *::after { box-sizing: border-box; }
    button, input { font: inherit; color: inherit; margin: 0; }
    button { cursor: pointer; }
    :focus { outline: none; }
    :focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
    .icon { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2;
      stroke-linecap: round; stroke-linejoin: round; flex: none; }
    .sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
      clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
    .probe { display: none; color: var(--accent); }

    .launcher { position: fixed; right: 20px; bottom: calc(20px + var(--stack, 0) * 68px);
      z-index: var(--ga-z-index, 2147483000); width: 56px; height: 56px; border: 0; border-radius: 50%;
      display: grid; place-items: center; padding: 0; background: var(--accent); color: var(--on-accent);
      box-shadow: var(--shadow); transition: transform .15s ease, box-shadow .15s ease; }
    .launcher:hover { transform: translateY(-2px) scale(1.04); }
    .launcher:focus-visible { outline: 3px solid var(--accent); outline-offset: 3px; }
    .launcher .icon { width: 26px; height: 26px; }
    .launcher .i-close, .open .launcher .i-chat { display: none; }
    .open .launcher .i-close { display: block; }

    .panel { display: flex; flex-direction: column; overflow: hidden; background: var(--bg); color: var(--fg);
      border: 1px solid var(--border); border-radius: 16px; box-shadow: var(--shadow); }
    .panel[hidden] { display: none; }
    .floating .panel { position: fixed; right: 20px; bottom: calc(88px + var(--stack, 0) * 68px);
      z-index: var(--ga-z-index, 2147483000); width: min(400px, calc(100vw - 40px));
      height: min(600px, 70vh); animation: ga-in .18s ease-out; }
    .inline .panel { width: 100%; min-height: 340px; max-height: var(--ga-inline-height, 70vh); box-shadow: none; }
    .inline .log { min-height: 200px; }
    @keyframes ga-in { from { opacity: 0; transform: translateY(10px) scale(.98); } }

    .head { display: flex; align-items: center; gap: 10px; padding: 12px 12px 12px 16px;
      background: var(--accent); color: var(--on-accent); }
    .title { flex: 1; font-size: 15px; font-weight: 600; line-height: 1.3; }
    .close { width: 32px; height: 32px; display: grid; place-items: center; border: 0; border-radius: 8px;
      background: transparent; color: inherit; padding: 0; }
    .close:hover { background: rgba(255, 255, 255, .18); }
    .close:focus-visible { outline-color: currentColor; outline-offset: -2px; }

    .log { flex: 1 1 auto; overflow-y: auto; overscroll-behavior: contain; padding: 16px;
      display: flex; flex-direction: column; gap: 12px; min-height: 120px; }
    .intro { margin: auto 0; color: var(--muted); text-align: center; padding: 0 12px; }
    .msg { max-width: 88%; padding: 9px 13px; border-radius: 16px; overflow-wrap: anywhere; }
    .user { align-self: flex-end; background: var(--accent); color: var(--on-accent);
      border-bottom-right-radius: 5px; white-space: pre-wrap; }
    .bot { align-self: flex-start; background: var(--surface); border: 1px solid transparent;
      border-bottom-left-radius: 5px; min-width: 64px; }
    .bot .text { white-space: pre-wrap; }
    .bot .text:empty { display: none; }
    .bot[data-state="refused"] { background: var(--refusal-bg); border-color: var(--refusal-border); }
    .bot[data-state="error"] { border-color: var(--error-border); }

    .badge { display: inline-block; margin: 0 0 6px; padding: 1px 8px; border-radius: 999px;
      font-size: 11px; font-weight: 600; letter-spacing: .02em; }
    .badge.refusal { background: var(--refusal-border); color: var(--refusal-fg); }
    .badge.closest { background: color-mix(in srgb, var(--accent) 16%, transparent); color: var(--link); }
    .note { margin: 6px 0 0; font-size: 12px; font-style: italic; color: var(--muted); }

    .typing { display: flex; gap: 4px; padding: 6px 0; }
    .typing i { width: 7px; height: 7px; border-radius: 50%; background: var(--muted);
      animation: ga-dot 1.2s infinite ease-in-out; }
    .typing i:nth-of-type(2) { animation-delay: .15s; }
    .typing i:nth-of-type(3) { animation-delay: .3s; }
    @keyframes ga-dot { 0%, 80%, 100% { opacity: .25; transform: translateY(0); }
      40% { opacity: 1; transform: translateY(-3px); } }

    .sources { margin-top: 10px; display: flex; flex-direction: column; gap: 6px; }
    .label { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
    .cite { background: var(--bg); border: 1px solid var(--border); border-radius: 10px; }
    .cite summary { padding: 6px 10px; cursor: pointer; font-size: 13px; font-weight: 600; color: var(--link);
      border-radius: 10px; }
    .cite summary .cat { font-weight: 400; color: var(--muted); }
    .cite-body { padding: 0 12px 8px; font-size: 13px; }
    .cite-body p { margin: 0 0 6px; }
    .cite-body .example { color: var(--muted); }
    .muted { color: var(--muted); }

    .chips { margin-top: 10px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
    .chips .label { width: 100%; }
    .chip { padding: 4px 11px; border-radius: 999px; font-size: 13px; background: var(--bg); color: var(--link);
      border: 1px solid color-mix(in srgb, var(--link) 55%, transparent); }
    .chip:hover { background: color-mix(in srgb, var(--accent) 12%, var(--bg)); }

    .cite-ref { border: 0; background: none; padding: 0 2px; font-size: 11px; font-weight: 600; color: var(--link);
      vertical-align: super; line-height: 1; }
    .cite-note { display: block; margin: 4px 0 6px; padding: 6px 9px; border-left: 3px solid var(--link);
      background: var(--bg); border-radius: 6px; font-size: 13px; white-space: normal; }
    .cite-note[hidden] { display: none; }
    .feedback { margin-top: 8px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
    .fb { width: 32px; height: 28px; display: grid; place-items: center; border-radius: 8px; padding: 0;
      border: 1px solid var(--border); background: var(--bg); color: var(--muted); }
    .fb .icon { width: 16px; height: 16px; }
    .fb:hover { border-color: var(--link); }
    .fb-status { font-size: 12px; color: var(--muted); }
    .fb-form { width: 100%; display: flex; flex-direction: column; gap: 6px; }
    .fb-form[hidden] { display: none; }
    .fb-form .input { font-size: 13px; padding: 6px 9px; }
    .fb-form .retry { align-self: flex-start; }

    .problem { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-top: 4px; }
    .error { color: var(--error-fg); }
    .retry { padding: 4px 12px; border-radius: 8px; font-size: 13px; font-weight: 600;
      border: 1px solid var(--error-border); background: var(--error-bg); color: var(--error-fg); }
    .retry:disabled { opacity: .6; cursor: default; }

    .composer { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--border); }
    .input { flex: 1; min-width: 0; padding: 9px 12px; border: 1px solid var(--border); border-radius: 10px;
      background: var(--bg); color: var(--fg); font-size: 14px; }
    .input::placeholder { color: var(--muted); opacity: 1; }
    .input:focus-visible { outline-offset: 0; border-color: var(--link); }
    .send { width: 40px; height: 40px; flex: none; display: grid; place-items: center; padding: 0; border: 0;
      border-radius: 10px; background: var(--accent); color: var(--on-accent); }
    .send:disabled { opacity: .45; cursor: not-allowed; }
    .foot { margin: 0; padding: 0 12px 10px; font-size: 11.5px; text-align: center; color: var(--muted); }

    @media (max-width: 480px) {
      .floating .panel { left: 0; right: 0; bottom: 0; width: auto; height: 80vh; max-height: 80vh;
        border-radius: 16px 16px 0 0; border-width: 1px 0 0; }
      .floating.open .launcher { display: none; }
      .input { font-size: 16px; } /* no zoom-on-focus in iOS Safari */
    }
    @media (prefers-reduced-motion: reduce) { * { animation: none !important; transition: none !important; } }
  `;

  // Constructable style sheets where available (not blocked by a page's style-src CSP), else <style>.
  let sheet = null;
  function applyStyles(shadow) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLES);
      }
      shadow.adoptedStyleSheets = [sheet];
    } catch (_) {
      const style = document.createElement("style");
      style.textContent = STYLES;
      shadow.append(style);
    }
  }

  // ---- start (last, so that every constant above is initialised) --------------------------------
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => resolveInstance(mount(config)), { once: true });
  } else {
    resolveInstance(mount(config));
  }
})();
